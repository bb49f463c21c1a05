# enrolments texts
problem-csv_not_text = ไม่ใช่ไฟล์ข้อความ CSV
    .detail = ไฟล์ที่อัปโหลดไม่ใช่ข้อความ UTF-8 กรุณาบันทึกเป็น "CSV UTF-8" แล้วลองใหม่
problem-csv_bad_header = หัวตาราง CSV ไม่ถูกต้อง
    .detail = บรรทัดแรกต้องเป็นชื่อคอลัมน์ โดยต้องมี email และ display_name ส่วน locale จะมีหรือไม่ก็ได้ (email,display_name,locale)
problem-csv_empty = ไฟล์ CSV ว่างเปล่า
    .detail = ไฟล์มีแต่หัวตาราง ไม่มีรายชื่อผู้เรียน
problem-csv_too_many_rows = จำนวนแถวมากเกินไป
    .detail = หนึ่งไฟล์มีผู้เรียนได้ไม่เกิน { $max } คน กรุณาแบ่งเป็นหลายไฟล์
import-row-invalid_email = แถว { $row }: อีเมลไม่ถูกต้อง
import-row-missing_display_name = แถว { $row }: ไม่มีชื่อ
import-row-display_name_too_long = แถว { $row }: ชื่อยาวเกิน 120 ตัวอักษร
import-row-unknown_locale = แถว { $row }: ไม่รู้จักภาษานี้ ใช้ zh-CN, en, th หรือ vi
import-row-duplicate_in_file = แถว { $row }: อีเมลนี้ปรากฏก่อนหน้าในไฟล์แล้ว
import-row-wrong_column_count = แถว { $row }: จำนวนช่องไม่ตรงกับหัวตาราง
import-row-not_a_trainee = แถว { $row }: บุคคลนี้เป็นผู้ดูแลระบบ ไม่ใช่ผู้เรียน
import-row-cohort_full = แถว { $row }: รุ่นนี้เต็มแล้ว
import-row-already_enrolled = แถว { $row }: ลงทะเบียนในรุ่นนี้แล้ว

## hardening: text policy
import-row-email_invalid_characters = แถว { $row }: อีเมลมีอักขระควบคุมหรืออักขระที่มองไม่เห็น
import-row-email_mixed_scripts = แถว { $row }: ส่วนหน้า @ ของอีเมลใช้ตัวอักษรหลายระบบปนกัน (เช่น อักษรละตินกับอักษรซีริลลิก)
import-row-display_name_invalid_characters = แถว { $row }: ชื่อมีการขึ้นบรรทัดใหม่ อักขระควบคุม หรืออักขระที่มองไม่เห็น
import-row-unknown_organisation = แถว { $row }: ไม่มีองค์กรนี้ในวิทยาเขตนี้ ใช้ชื่อที่ตรงกันหรือรหัสขององค์กร
