# เอกสารปัญหา (RFC 9457): ข้อความคือหัวเรื่อง .detail คือรายละเอียด
problem-generic = คำขอไม่สำเร็จ
    .detail = ไม่สามารถดำเนินการตามคำขอได้
problem-bad_request = คำขอไม่ถูกต้อง
    .detail = รูปแบบของคำขอไม่ถูกต้อง
problem-malformed_json = JSON ผิดรูปแบบ
    .detail = เนื้อหาคำขอไม่ใช่ JSON ที่ถูกต้อง
problem-invalid_json = เนื้อหาคำขอไม่ถูกต้อง
    .detail = JSON ขาดฟิลด์ที่จำเป็นหรือมีค่าที่ชนิดข้อมูลไม่ถูกต้อง
problem-malformed_body = อ่านเนื้อหาคำขอไม่ได้
    .detail = ไม่สามารถอ่านเนื้อหาคำขอได้ครบถ้วน
problem-invalid_query = พารามิเตอร์ค้นหาไม่ถูกต้อง
    .detail = พารามิเตอร์ค้นหาบางตัวมีค่าที่ใช้ไม่ได้
problem-validation_failed = ข้อมูลไม่ผ่านการตรวจสอบ
    .detail = มีบางฟิลด์ไม่ถูกต้อง ดูรายละเอียดใน errors
problem-unauthenticated = ต้องเข้าสู่ระบบ
    .detail = กรุณาเข้าสู่ระบบและส่งโทเค็นการเข้าถึงที่ถูกต้อง
problem-invalid_credentials = ข้อมูลเข้าสู่ระบบไม่ถูกต้อง
    .detail = วิทยาเขต อีเมล หรือรหัสผ่านไม่ถูกต้อง
problem-forbidden = ไม่ได้รับอนุญาต
    .detail = บทบาทของคุณไม่สามารถทำรายการนี้ได้
problem-not_found = ไม่พบข้อมูล
    .detail = ไม่พบข้อมูลที่ร้องขอ
problem-method_not_allowed = ไม่รองรับเมธอดนี้
    .detail = ทรัพยากรนี้ไม่รับเมธอด HTTP นี้
problem-not_acceptable = ไม่สามารถส่งรูปแบบที่ร้องขอได้
    .detail = ไม่สามารถสร้างคำตอบในรูปแบบใดที่ร้องขอได้
problem-request_timeout = คำขอหมดเวลา
    .detail = ได้รับคำขอไม่ครบภายในเวลาที่กำหนด
problem-conflict = ข้อมูลขัดแย้ง
    .detail = คำขอขัดแย้งกับสถานะปัจจุบันของทรัพยากร
problem-payload_too_large = เนื้อหาคำขอใหญ่เกินไป
    .detail = เนื้อหาคำขอใหญ่กว่า { $limit } ไบต์ที่รับได้
problem-unsupported_media_type = ไม่รองรับชนิดสื่อนี้
    .detail = กรุณาส่งเนื้อหาเป็น { $expected }
problem-too_many_requests = คำขอมากเกินไป
    .detail = กรุณารอสักครู่แล้วลองใหม่
problem-service_unavailable = บริการไม่พร้อมใช้งาน
    .detail = ขณะนี้บริการเชื่อมต่อฐานข้อมูลไม่ได้ กรุณาลองใหม่ในอีกสักครู่
problem-internal = ข้อผิดพลาดภายใน
    .detail = เกิดปัญหาที่ฝั่งเซิร์ฟเวอร์ และได้บันทึกไว้แล้ว
problem-branch_exists = รหัสวิทยาเขตถูกใช้แล้ว
    .detail = มีวิทยาเขตที่ใช้รหัสนี้อยู่แล้ว
problem-email_taken = อีเมลนี้ถูกใช้แล้ว
    .detail = มีผู้ใช้ที่ใช้อีเมลนี้ในวิทยาเขตนี้อยู่แล้ว หากผู้ใช้ยังไม่ได้ตอบรับคำเชิญ ให้ส่งคำเชิญอีกครั้ง (POST /api/v1/users/<id>/invitation) แทนการสร้างใหม่
problem-not_failed = ไม่ใช่อีเมลที่ส่งไม่สำเร็จ
    .detail = ลองส่งใหม่ได้เฉพาะอีเมลที่ส่งไม่สำเร็จเท่านั้น
problem-invitation_invalid = คำเชิญใช้ไม่ได้
    .detail = ลิงก์คำเชิญนี้ไม่มีอยู่ ถูกใช้แล้ว หรือหมดอายุแล้ว
problem-idempotency_in_progress = คำขอยังดำเนินการอยู่
    .detail = คำขอที่ใช้ Idempotency-Key นี้ยังดำเนินการอยู่ กรุณาลองใหม่อีกครั้ง
problem-idempotency_key_reused = ใช้ Idempotency-Key ซ้ำ
    .detail = Idempotency-Key นี้เคยใช้กับคำขออื่นแล้ว

field-required = ต้องกรอกช่องนี้
field-invalid_type = ค่านี้มีชนิดข้อมูลไม่ถูกต้อง
field-invalid_value = ใช้ค่านี้ไม่ได้: { $reason }
field-invalid_choice = ค่านี้ไม่อยู่ในตัวเลือกที่อนุญาต
field-out_of_range = ต้องอยู่ระหว่าง { $min } ถึง { $max }
field-invalid_cursor = เคอร์เซอร์ไม่ถูกต้อง กรุณาเริ่มจากหน้าแรกใหม่
field-unknown_locale = ไม่รู้จักภาษานี้ ใช้ zh-CN, en, th หรือ vi
field-too_long = ยาวเกินไป: ไม่เกิน { $max } ตัวอักษร
field-invalid_branch_code = ใช้ตัวอักษรพิมพ์ใหญ่หรือตัวเลข 2 ถึง 8 ตัว
field-invalid_country = ไม่ใช่รหัสประเทศสองตัวอักษรตาม ISO 3166-1
field-invalid_time_zone = ไม่ใช่ชื่อเขตเวลา IANA (เช่น Asia/Bangkok)
field-invalid_email = อีเมลไม่ถูกต้อง
field-password_too_short = รหัสผ่านต้องมีอย่างน้อย { $min } ตัวอักษร
field-password_too_simple = รหัสผ่านง่ายเกินไป
field-wrong_password = รหัสผ่านปัจจุบันไม่ถูกต้อง
field-role_not_in_branch = ผู้ดูแลระบบสำนักงานใหญ่ต้องอยู่ในวิทยาเขต HQ

# รุ่นและการลงทะเบียน
problem-cohort_full = รุ่นเต็มแล้ว
    .detail = ที่นั่งในรุ่นนี้ถูกจองเต็มแล้ว
problem-already_enrolled = ลงทะเบียนแล้ว
    .detail = ผู้เรียนคนนี้ลงทะเบียนในรุ่นนี้แล้ว
problem-cohort_closed = รุ่นปิดรับแล้ว
    .detail = รุ่นนี้ไม่รับการลงทะเบียนใหม่
problem-capacity_below_enrolled = จำนวนที่นั่งน้อยเกินไป
    .detail = มีผู้เรียนลงทะเบียนแล้ว { $enrolled } คน จึงตั้งจำนวนที่นั่งต่ำกว่านี้ไม่ได้
problem-enrolment_not_active = การลงทะเบียนไม่มีผลแล้ว
    .detail = การลงทะเบียนนี้ถูกถอนออกแล้ว
field-course_not_offered = หลักสูตรนี้ยังไม่ได้เผยแพร่ให้วิทยาเขตนี้
field-ends_before_start = วันสิ้นสุดอยู่ก่อนวันเริ่มต้น
field-invalid_date = ใช้รูปแบบวันที่แบบ ค.ศ. เช่น 2026-03-01
field-unknown_user = ไม่มีผู้ใช้นี้ในวิทยาเขตนี้
field-not_a_trainee = ลงทะเบียนได้เฉพาะผู้เรียนเท่านั้น

## hardening: text policy
field-invalid_characters = มีอักขระที่บันทึกในช่องนี้ไม่ได้ ({ $character }): ห้ามใช้อักขระควบคุม การขึ้นบรรทัดใหม่ในข้อความบรรทัดเดียว และอักขระที่มองไม่เห็นหรืออักขระกำหนดทิศทางข้อความ
field-mixed_scripts = ส่วนหน้า @ ใช้ตัวอักษรหลายระบบปนกัน (เช่น อักษรละตินกับอักษรซีริลลิก) โปรดใช้ตัวอักษรระบบเดียว
## hardening: worker
problem-job_stale = งานเบื้องหลังหยุดชะงัก
    .detail = งานเบื้องหลัง { $job } ไม่ได้ทำงานเสร็จมา { $seconds } วินาทีแล้ว การส่งอีเมลหรือการตรวจให้คะแนนสอบอาจล่าช้า
## user management
problem-role_change_not_allowed = ไม่อนุญาตให้เปลี่ยนบทบาท
    .detail = เฉพาะผู้ดูแลระบบสำนักงานใหญ่เท่านั้นที่เปลี่ยนบทบาทของผู้ใช้ได้
problem-cannot_deactivate_self = ไม่สามารถระงับบัญชีของตนเองได้
    .detail = ผู้ดูแลระบบไม่สามารถระงับบัญชีของตนเองได้ โปรดติดต่อผู้ดูแลระบบคนอื่น
field-role_crosses_hq = ผู้ดูแลระบบสำนักงานใหญ่ไม่สามารถเปลี่ยนเป็นบทบาทของวิทยาเขตได้ และผู้ใช้ของวิทยาเขตไม่สามารถเป็นผู้ดูแลระบบสำนักงานใหญ่ได้
## accounts: lost access
problem-password_reset_invalid = ลิงก์รีเซ็ตรหัสผ่านใช้ไม่ได้
    .detail = ลิงก์รีเซ็ตรหัสผ่านนี้ไม่ถูกต้อง ถูกใช้ไปแล้ว หรือหมดอายุแล้ว กรุณาขอลิงก์ใหม่
problem-not_invited = ไม่มีคำเชิญที่รออยู่
    .detail = ผู้ใช้นี้ตอบรับคำเชิญแล้ว (หรือไม่เคยได้รับเชิญ) ผู้ใช้เข้าสู่ระบบด้วยรหัสผ่านของตนเอง และสามารถขอรีเซ็ตรหัสผ่านได้
problem-user_not_active = ผู้ใช้ไม่ได้ใช้งานอยู่
    .detail = ผู้ใช้นี้เข้าสู่ระบบไม่ได้: ผู้ใช้ที่ได้รับเชิญต้องได้รับคำเชิญใหม่ ส่วนผู้ใช้ที่ถูกระงับต้องเปิดใช้งานอีกครั้งก่อน
## answer sync
field-before_attempt_start = เวลานี้อยู่ก่อนเริ่มการสอบครั้งนี้
field-duplicate_answer = คำถามเดียวกันปรากฏสองครั้งด้วยหมายเลขลำดับเดียวกัน
field-not_in_attempt = คำถามนี้ไม่อยู่ในการสอบครั้งนี้
field-seq_not_increasing = หมายเลขลำดับต้องเพิ่มขึ้นตลอดทั้งชุด
field-time_in_future = เวลานี้อยู่ในอนาคต โปรดตรวจสอบนาฬิกาของอุปกรณ์
field-too_many_items = มีรายการมากเกินไป: ไม่เกิน { $max } รายการ

## localization: input conventions
field-buddhist_era_year = ปี { $year } น่าจะเป็นปีพุทธศักราช (พ.ศ.) กรุณากรอกปีคริสต์ศักราช (ค.ศ.) คือ { $year_ce }
field-implausible_year = กรุณากรอกปีคริสต์ศักราช (ค.ศ.) ระหว่าง { $min } ถึง { $max }
problem-certificate_revoked = ใบรับรองถูกเพิกถอนแล้ว
    .detail = ใบรับรองนี้ถูกเพิกถอนแล้ว จึงออกใหม่ไม่ได้ ผู้เรียนสามารถได้รับการรับรองใหม่ได้โดยเรียนหลักสูตรนี้อีกครั้ง
field-unknown_organisation = ไม่มีองค์กรนี้ในวิทยาเขตนี้
field-no_practical = หลักสูตรนี้ไม่มีการประเมินภาคปฏิบัติ
field-checklist_incomplete = ทุกขั้นตอนในรายการตรวจต้องมีผลการประเมิน
field-not_in_checklist = ขั้นตอนนี้ไม่อยู่ในรายการตรวจของหลักสูตร
