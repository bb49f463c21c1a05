# Texts of server-rendered pages.
page-brand = { -brand }

## Pages behind email links (accept an invitation, reset a password).
page-language-name = ไทย
page-languages = ภาษา
page-error-summary = พบปัญหา
page-error-prefix = ข้อผิดพลาด:
page-branch = วิทยาเขต
page-email = อีเมล
page-password = รหัสผ่านใหม่
page-password-hint = อย่างน้อย 10 ตัวอักษร คำไม่กี่คำที่คุณจำได้ง่ายเป็นรหัสผ่านที่ดี
page-password-confirmation = ใส่รหัสผ่านใหม่อีกครั้ง
page-confirmation-missing = กรุณาใส่รหัสผ่านใหม่อีกครั้ง
page-confirmation-mismatch = รหัสผ่านทั้งสองช่องไม่ตรงกัน
page-csrf-failed = แบบฟอร์มนี้หมดอายุหรือไม่ได้ส่งจากหน้านี้ กรุณาใส่รหัสผ่านใหม่แล้วส่งอีกครั้ง
page-throttled = ลองหลายครั้งเกินไป กรุณารอ { $minutes } นาทีแล้วลองใหม่
page-failure-title = เกิดข้อผิดพลาด
page-failure-body = ระบบของเราดำเนินการนี้ไม่สำเร็จ กรุณาลองใหม่ในอีกไม่กี่นาที
invite-title = ตั้งรหัสผ่านของคุณ
invite-intro = สวัสดีคุณ { $name } ยินดีต้อนรับสู่ { -brand } กรุณาตั้งรหัสผ่านเพื่อเปิดใช้งานบัญชีของคุณให้เสร็จสมบูรณ์
invite-submit = ตั้งรหัสผ่าน
invite-done-title = บัญชีของคุณพร้อมใช้งานแล้ว
invite-done-body = ตั้งรหัสผ่านเรียบร้อยแล้ว เปิดแอป { -brand } แล้วเข้าสู่ระบบด้วยวิทยาเขตและอีเมลนี้พร้อมรหัสผ่านใหม่ของคุณ
invite-done-next = โปรดเก็บรหัสผ่านไว้เป็นความลับ คุณปิดหน้านี้ได้แล้ว
invite-invalid-title = ลิงก์นี้ใช้ไม่ได้แล้ว
invite-invalid-body = ลิงก์คำเชิญนี้ถูกใช้ไปแล้ว หมดอายุ หรือไม่สมบูรณ์
invite-invalid-hint = กรุณาขอให้ผู้ดูแลวิทยาเขตของคุณส่งคำเชิญใหม่ หากคุณตั้งรหัสผ่านไว้แล้ว ให้เปิดแอปแล้วเข้าสู่ระบบ
reset-title = ตั้งรหัสผ่านใหม่
reset-intro = สวัสดีคุณ { $name } กรุณาตั้งรหัสผ่านใหม่สำหรับบัญชีของคุณ
reset-submit = บันทึกรหัสผ่านใหม่
reset-done-title = เปลี่ยนรหัสผ่านเรียบร้อยแล้ว
reset-done-body = เปิดแอป { -brand } แล้วเข้าสู่ระบบด้วยวิทยาเขตและอีเมลนี้พร้อมรหัสผ่านใหม่ของคุณ
reset-done-next = เพื่อความปลอดภัย ระบบได้ออกจากระบบของคุณในทุกอุปกรณ์แล้ว คุณปิดหน้านี้ได้แล้ว
reset-invalid-title = ลิงก์นี้ใช้ไม่ได้แล้ว
reset-invalid-body = ลิงก์รีเซ็ตรหัสผ่านนี้ถูกใช้ไปแล้ว หมดอายุ หรือไม่สมบูรณ์
reset-invalid-hint = เปิดแอป { -brand } แล้วขอลิงก์ใหม่ด้วย "ลืมรหัสผ่าน" ที่หน้าจอเข้าสู่ระบบ

## localization: the brand, one term for every message
-brand = Zhijiang
