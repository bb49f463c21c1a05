# exams texts
problem-not_enrolled = ยังไม่ได้ลงทะเบียน
    .detail = เฉพาะผู้เรียนที่ลงทะเบียนหลักสูตรนี้อยู่เท่านั้นที่สอบได้
problem-attempts_exhausted = หมดสิทธิ์สอบแล้ว
    .detail = ใช้สิทธิ์สอบครบทั้ง { $max } ครั้งแล้ว
problem-exam_time_over = หมดเวลาแล้ว
    .detail = หมดเวลาทำข้อสอบครั้งนี้แล้ว ไม่สามารถแก้ไขคำตอบได้อีก
problem-attempt_submitted = ส่งข้อสอบแล้ว
    .detail = ส่งข้อสอบครั้งนี้แล้ว ไม่สามารถแก้ไขคำตอบได้อีก
problem-attempt_race = กำลังเริ่มการสอบ
    .detail = มีคำขออื่นกำลังเริ่มการสอบครั้งนี้ กรุณาลองใหม่อีกครั้ง
problem-question_bank_too_small = ข้อสอบไม่พอ
    .detail = การสอบนี้สุ่ม { $needed } ข้อ แต่คลังข้อสอบมีเพียง { $available } ข้อ
field-option_count = ใส่ตัวเลือก { $min } ถึง { $max } ข้อ
field-options_differ_between_locales = คำแปลทุกภาษาต้องมีจำนวนตัวเลือกเท่ากัน
field-true_false_needs_two_options = คำถามถูก/ผิดต้องมีสองตัวเลือกพอดี
field-no_such_option = นี่ไม่ใช่ตัวเลือกของคำถามนี้
field-one_correct_option = คำถามประเภทนี้มีคำตอบที่ถูกต้องเพียงข้อเดียว
