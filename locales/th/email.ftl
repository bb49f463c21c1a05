email-footer = { -brand } · สถาบันช่างฝีมือนานาชาติสำหรับช่างเทคนิคยานยนต์พลังงานใหม่
email-test-subject = ข้อความทดสอบจาก { -brand }
email-test-text = สวัสดีคุณ { $name } นี่คือข้อความทดสอบ
email-test-html = <p>สวัสดีคุณ { $name } นี่คือข้อความทดสอบ</p>
email-invitation-subject = บัญชี { -brand } ของคุณที่ { $branch }
email-invitation-text =
    สวัสดีคุณ { $name }

    เราได้สร้างบัญชีให้คุณที่ { $branch } แล้ว กรุณาตั้งรหัสผ่านที่ลิงก์นี้เพื่อเริ่มเรียน:
    { $link }

    ลิงก์นี้ใช้ได้ครั้งเดียวและหมดอายุวันที่ { $expires }
email-invitation-html =
    <p>สวัสดีคุณ { $name }</p>
    <p>เราได้สร้างบัญชีให้คุณที่ <strong>{ $branch }</strong> แล้ว กรุณาตั้งรหัสผ่านเพื่อเริ่มเรียน:</p>
    <p><a href="{ $link }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">ตั้งรหัสผ่านของฉัน</a></p>
    <p style="font-size:.9em;color:#555">ลิงก์นี้ใช้ได้ครั้งเดียวและหมดอายุวันที่ { $expires }<br>{ $link }</p>
email-certificate-subject = คุณได้รับใบรับรอง: { $course }
email-certificate-text =
    ขอแสดงความยินดีกับคุณ { $name }

    คุณเรียนครบทุกบทเรียนและผ่านการสอบปลายหลักสูตร "{ $course }" ที่ { $branch } เมื่อวันที่ { $date }
    รหัสใบรับรองของคุณคือ { $code } ทุกคนรวมถึงนายจ้างสามารถตรวจสอบได้ที่:
    { $public_url }/verify/{ $code }
email-certificate-html =
    <p>ขอแสดงความยินดีกับคุณ { $name }</p>
    <p>คุณเรียนครบทุกบทเรียนและผ่านการสอบปลายหลักสูตร <strong>"{ $course }"</strong> ที่ { $branch } เมื่อวันที่ { $date }</p>
    <p>รหัสใบรับรองของคุณคือ <strong style="font-size:1.2em;letter-spacing:.05em">{ $code }</strong></p>
    <p><a href="{ $public_url }/verify/{ $code }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">ดูใบรับรองของฉัน</a></p>
    <p style="font-size:.9em;color:#555">ทุกคนรวมถึงนายจ้างสามารถตรวจสอบได้ที่ { $public_url }/verify/{ $code }</p>
email-password-reset-subject = ตั้งรหัสผ่านใหม่สำหรับ { -brand } ที่ { $branch }
email-password-reset-text =
    สวัสดีคุณ { $name }

    มีผู้ขอรีเซ็ตรหัสผ่านของบัญชีของคุณที่ { $branch } (เราหวังว่าจะเป็นคุณ) ตั้งรหัสผ่านใหม่ได้ที่ลิงก์นี้:
    { $link }

    ลิงก์นี้ใช้ได้ครั้งเดียว ภายใน { $minutes } นาที เมื่อใช้แล้วคุณจะออกจากระบบในทุกอุปกรณ์
    หากคุณไม่ได้ขอ โปรดเพิกเฉยต่ออีเมลนี้ รหัสผ่านของคุณจะยังคงเหมือนเดิม
email-password-reset-html =
    <p>สวัสดีคุณ { $name }</p>
    <p>มีผู้ขอรีเซ็ตรหัสผ่านของบัญชีของคุณที่ <strong>{ $branch }</strong> (เราหวังว่าจะเป็นคุณ)</p>
    <p><a href="{ $link }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">ตั้งรหัสผ่านใหม่</a></p>
    <p style="font-size:.9em;color:#555">ลิงก์นี้ใช้ได้ครั้งเดียว ภายใน { $minutes } นาที เมื่อใช้แล้วคุณจะออกจากระบบในทุกอุปกรณ์<br>หากคุณไม่ได้ขอ โปรดเพิกเฉยต่ออีเมลนี้ รหัสผ่านของคุณจะยังคงเหมือนเดิม<br>{ $link }</p>
email-certificate-revoked-subject = ใบรับรองถูกเพิกถอน: { $course }
email-certificate-revoked-text =
    สวัสดีคุณ { $name }

    ใบรับรอง { $code } หลักสูตร "{ $course }" จาก { $branch } ของคุณถูกเพิกถอนแล้วและไม่มีผลอีกต่อไป
    เหตุผล: { $reason }

    นายจ้างที่ตรวจสอบใบรับรองนี้จะเห็นว่าถูกเพิกถอนแล้ว หากคุณคิดว่าเป็นความผิดพลาด โปรดติดต่อ { $branch }
email-certificate-revoked-html =
    <p>สวัสดีคุณ { $name }</p>
    <p>ใบรับรอง <strong>{ $code }</strong> หลักสูตร <strong>{ $course }</strong> จาก { $branch } ของคุณถูกเพิกถอนแล้วและไม่มีผลอีกต่อไป</p>
    <p>เหตุผล: { $reason }</p>
    <p style="font-size:.9em;color:#555">นายจ้างที่ตรวจสอบใบรับรองนี้จะเห็นว่าถูกเพิกถอนแล้ว หากคุณคิดว่าเป็นความผิดพลาด โปรดติดต่อ { $branch }</p>
email-certificate-expiring-subject = ใบรับรองของคุณจะหมดอายุวันที่ { $date }: { $course }
email-certificate-expiring-text =
    สวัสดีคุณ { $name }

    ใบรับรอง { $code } หลักสูตร "{ $course }" ของคุณมีผลถึงวันที่ { $date } (อีก { $days } วัน)
    หากต้องการคงการรับรองไว้ โปรดลงทะเบียนรุ่นใหม่ของหลักสูตรนี้และสอบให้ผ่านอีกครั้งก่อนวันดังกล่าว
    { $public_url }/verify/{ $code }
email-certificate-expiring-html =
    <p>สวัสดีคุณ { $name }</p>
    <p>ใบรับรอง <strong>{ $code }</strong> หลักสูตร <strong>{ $course }</strong> ของคุณมีผลถึงวันที่ <strong>{ $date }</strong> (อีก { $days } วัน)</p>
    <p>หากต้องการคงการรับรองไว้ โปรดลงทะเบียนรุ่นใหม่ของหลักสูตรนี้และสอบให้ผ่านอีกครั้งก่อนวันดังกล่าว</p>
    <p style="font-size:.9em;color:#555">{ $public_url }/verify/{ $code }</p>
