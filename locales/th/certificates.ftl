# Certificates: the Open Badges credential and the public verify page.

# Open Badges achievement criteria, in the credential's language.
cert-criteria-narrative = เรียนครบทุกบทเรียนของหลักสูตร “{ $course }” และผ่านการสอบปลายหลักสูตร
cert-criteria-narrative-practical = เรียนครบทุกบทเรียนของหลักสูตร “{ $course }” ผ่านการสอบปลายหลักสูตร และผ่านการประเมินภาคปฏิบัติ “{ $practical }” ในโรงฝึกงาน

# The public verify page (/verify/{code}).
cert-page-title = ตรวจสอบใบรับรอง
cert-page-heading = ตรวจสอบใบรับรอง
cert-page-holder = ผู้ได้รับใบรับรอง
cert-page-course = หลักสูตร
cert-page-branch = ออกโดย
cert-page-issued = วันที่ออก
cert-page-code = รหัสใบรับรอง
cert-page-status = สถานะ
cert-status-valid = มีผลใช้ได้
cert-status-valid-detail = ใบรับรองฉบับนี้เป็นของแท้และยังมีผลใช้ได้
cert-status-revoked = ถูกเพิกถอน
cert-status-revoked-detail = ใบรับรองนี้ถูกเพิกถอนแล้วและไม่มีผลอีกต่อไป
cert-status-revoked-reason = เหตุผล: { $reason }
cert-page-qr = สแกนคิวอาร์โค้ดนี้เพื่อตรวจสอบใบรับรองออนไลน์ได้ทุกเมื่อ
cert-page-url = ที่อยู่สำหรับตรวจสอบ

# Page for a code that matches no certificate.
cert-not-found-title = ไม่พบใบรับรอง
cert-not-found-body = ไม่พบใบรับรองรหัส { $code } โปรดตรวจสอบรหัสแล้วลองอีกครั้ง
cert-not-found-hint = รหัสมีรูปแบบเช่น BKK-7F3K-9QPX ตัวอักษร O และ I จะถูกอ่านเป็นตัวเลข 0 และ 1

# Dates: { $day } and { $year } are numbers, { $month } one of the names below.
# The year is in the Buddhist Era (Gregorian + 543).
cert-date = { $day } { $month } { $year }
cert-month-1 = มกราคม
cert-month-2 = กุมภาพันธ์
cert-month-3 = มีนาคม
cert-month-4 = เมษายน
cert-month-5 = พฤษภาคม
cert-month-6 = มิถุนายน
cert-month-7 = กรกฎาคม
cert-month-8 = สิงหาคม
cert-month-9 = กันยายน
cert-month-10 = ตุลาคม
cert-month-11 = พฤศจิกายน
cert-month-12 = ธันวาคม

# Validity (courses whose certificates expire).
cert-page-expires = มีผลถึง
cert-status-expired = หมดอายุ
cert-status-expired-detail = ใบรับรองฉบับนี้เป็นของแท้ แต่หมดอายุแล้ว

# Page for a visitor who checked too many codes in a short time (429).
cert-busy-title = ตรวจสอบบ่อยเกินไป
cert-busy-body = อุปกรณ์นี้ตรวจสอบใบรับรองหลายครั้งในเวลาสั้น ๆ กรุณารอ { $seconds } วินาที แล้วโหลดหน้านี้ใหม่
