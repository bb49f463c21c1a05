# catalogue texts
problem-course_exists = รหัสหลักสูตรถูกใช้แล้ว
    .detail = มีหลักสูตรที่ใช้รหัสนี้อยู่แล้ว
problem-course_in_use = หลักสูตรกำลังถูกใช้งาน
    .detail = มีรุ่นหรือข้อสอบที่อ้างถึงหลักสูตรนี้ จึงลบไม่ได้
problem-lesson_in_use = บทเรียนกำลังถูกใช้งาน
    .detail = มีความคืบหน้าของผู้เรียนที่อ้างถึงบทเรียนนี้ จึงลบไม่ได้
problem-course_has_no_lessons = หลักสูตรยังไม่มีบทเรียน
    .detail = กรุณาเพิ่มบทเรียนอย่างน้อยหนึ่งบทก่อนเผยแพร่หลักสูตร
field-invalid_course_code = ใช้ตัวอักษรพิมพ์ใหญ่ ตัวเลข หรือขีดกลาง 2 ถึง 32 ตัว (เช่น EV-HV-101)
field-source_not_translated = ภาษาต้นฉบับต้องเป็นหนึ่งในคำแปลที่ส่งมา
field-not_a_permutation = กรุณาระบุบทเรียนทุกบทของหลักสูตรบทละหนึ่งครั้งพอดี
field-unknown_branch = ไม่มีวิทยาเขตที่ใช้รหัสนี้

## lesson media
problem-asset_in_use = สื่อนี้ยังถูกใช้งานอยู่
    .detail = ยังมีบทเรียนที่แสดงสื่อนี้อยู่ กรุณานำออกจากเนื้อหาบทเรียนก่อน
problem-image_too_large = รูปภาพใหญ่เกินไป
    .detail = รูปภาพระบุขนาด { $width } × { $height } พิกเซล ซึ่งเกินกว่าที่รับได้ กรุณาย่อขนาดก่อนอัปโหลด
problem-media_corrupt = ไฟล์เสียหาย
    .detail = ไฟล์ไม่สมบูรณ์หรือมีรูปแบบไม่ถูกต้อง จึงใช้งานไม่ได้
problem-media_empty = ไฟล์ว่างเปล่า
    .detail = ไฟล์ที่อัปโหลดไม่มีเนื้อหา
problem-media_kind_mismatch = ชนิดไฟล์ไม่ตรงกัน
    .detail = สื่อนี้เป็น{ $expected ->
        [image] รูปภาพ
        [video] วิดีโอ
        [audio] ไฟล์เสียง
        [pdf] เอกสาร PDF
        [subtitle] ไฟล์คำบรรยาย
       *[other] { $expected }
    } แต่ไฟล์ที่ส่งมาเป็น{ $found ->
        [image] รูปภาพ
        [video] วิดีโอ
        [audio] ไฟล์เสียง
        [pdf] เอกสาร PDF
        [subtitle] ไฟล์คำบรรยาย
       *[other] { $found }
    } กรุณาอัปโหลดเป็นสื่อใหม่แทน
problem-media_link_expired = ลิงก์หมดอายุแล้ว
    .detail = ลิงก์สื่อนี้หมดอายุแล้ว กรุณาโหลดบทเรียนใหม่เพื่อรับลิงก์ใหม่
problem-media_type_mismatch = เนื้อหาไม่ตรงกับชนิดไฟล์
    .detail = เนื้อหาของไฟล์เป็น { $found } ซึ่งไม่ใช่ชนิดที่แจ้งมา
problem-media_type_not_allowed = ไม่รับไฟล์ชนิดนี้
    .detail = บทเรียนรับรูปภาพ PNG หรือ JPEG วิดีโอ MP4 หรือ WebM เสียง MP3, M4A, Ogg หรือ WAV เอกสาร PDF และคำบรรยาย WebVTT
problem-range_not_satisfiable = ช่วงข้อมูลไม่ถูกต้อง
    .detail = ช่วงที่ขอเริ่มเกินท้ายไฟล์ (ไฟล์มีขนาด { $size } ไบต์)
problem-storage_quota_exceeded = พื้นที่จัดเก็บเต็ม
    .detail = การจัดเก็บไฟล์นี้จะเกินโควตาพื้นที่สื่อ กรุณาลบสื่อที่ไม่ได้ใช้หรือขอพื้นที่เพิ่ม
problem-upload_truncated = อัปโหลดไม่ครบ
    .detail = การอัปโหลดสิ้นสุดก่อนได้รับไฟล์ครบ ระบบไม่ได้เก็บสิ่งใดไว้ กรุณาส่งใหม่อีกครั้ง
problem-upload_offset_conflict = ตำแหน่งของส่วนข้อมูลไม่ถูกต้อง
    .detail = การอัปโหลดนี้ได้รับข้อมูลแล้ว { $offset } ไบต์ กรุณาส่งส่วนถัดไปโดยเริ่มที่ไบต์ { $offset }
problem-upload_offset_missing = ไม่ได้ระบุตำแหน่งของส่วนข้อมูล
    .detail = กรุณาส่งแต่ละส่วนพร้อมส่วนหัว Upload-Offset ที่ระบุไบต์เริ่มต้น (ใช้ HEAD เพื่อดูว่าจะส่งต่อจากตรงไหน)
field-invalid_file_name = ชื่อไฟล์ต้องเป็นชื่อเดียวโดยไม่มีโฟลเดอร์ (/ หรือ \) และไม่ใช่ "." หรือ ".."
