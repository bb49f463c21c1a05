# catalogue texts
problem-course_exists = Mã khóa học đã được dùng
    .detail = Đã có khóa học dùng mã này.
problem-course_in_use = Khóa học đang được sử dụng
    .detail = Có lớp học hoặc bài thi tham chiếu đến khóa học này nên không thể xóa.
problem-lesson_in_use = Bài học đang được sử dụng
    .detail = Có tiến độ học của học viên tham chiếu đến bài học này nên không thể xóa.
problem-course_has_no_lessons = Khóa học chưa có bài học
    .detail = Vui lòng thêm ít nhất một bài học trước khi xuất bản khóa học.
field-invalid_course_code = Dùng 2 đến 32 chữ in hoa, chữ số hoặc dấu gạch ngang (ví dụ EV-HV-101).
field-source_not_translated = Ngôn ngữ nguồn phải là một trong các bản dịch đã gửi.
field-not_a_permutation = Vui lòng liệt kê mỗi bài học của khóa học đúng một lần.
field-unknown_branch = Không có cơ sở nào dùng mã này.
