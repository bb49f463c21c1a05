# reports texts
report-column-branch = วิทยาเขต
report-column-course_id = ID หลักสูตร
report-column-course_code = รหัสหลักสูตร
report-column-cohort_id = ID รุ่น
report-column-cohort_name = รุ่น
report-column-enrolled = จำนวนผู้ลงทะเบียน
report-column-active = กำลังเรียน
report-column-completed = เรียนจบ
report-column-certified = ได้รับใบรับรอง
report-column-withdrawn = ถอนตัว
report-column-pass_rate = อัตราการสอบผ่าน (สัดส่วน 0–1, 1 = 100%)
report-column-average_score = คะแนนเฉลี่ย (0–100)
report-column-median_days_to_certificate = ค่ามัธยฐานจำนวนวันจนได้รับใบรับรอง
report-column-country = ประเทศ
report-column-month = เดือน
report-column-certified_count = ช่างที่ได้รับใบรับรอง
report-column-late_synced_attempts = จำนวนการสอบที่มีคำตอบส่งเข้าระบบล่าช้า
