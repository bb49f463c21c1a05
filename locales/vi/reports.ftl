# reports texts
report-column-branch = Cơ sở
report-column-course_id = ID khóa học
report-column-course_code = Mã khóa học
report-column-cohort_id = ID lớp
report-column-cohort_name = Lớp
report-column-enrolled = Đã ghi danh
report-column-active = Đang học
report-column-completed = Hoàn thành
report-column-certified = Đã được cấp chứng chỉ
report-column-withdrawn = Đã rút
report-column-pass_rate = Tỷ lệ đạt (0–1, 1 = 100%)
report-column-average_score = Điểm trung bình (0–100)
report-column-median_days_to_certificate = Trung vị số ngày đến khi được cấp chứng chỉ
report-column-country = Quốc gia
report-column-month = Tháng
report-column-certified_count = Kỹ thuật viên đã được cấp chứng chỉ
report-column-late_synced_attempts = Lượt thi có câu trả lời đồng bộ muộn
