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

## lesson media
problem-asset_in_use = Tệp đa phương tiện đang được dùng
    .detail = Vẫn còn bài học hiển thị tệp này. Hãy xóa nó khỏi nội dung bài học trước.
problem-image_too_large = Hình ảnh quá lớn
    .detail = Hình ảnh có kích thước { $width } × { $height } điểm ảnh, vượt mức cho phép. Hãy thu nhỏ trước khi tải lên.
problem-media_corrupt = Tệp bị hỏng
    .detail = Tệp bị cắt ngắn hoặc sai định dạng nên không thể sử dụng.
problem-media_empty = Tệp trống
    .detail = Tệp được tải lên không có nội dung.
problem-media_kind_mismatch = Loại tệp khác nhau
    .detail = Mục này là { $expected ->
        [image] hình ảnh
        [video] video
        [audio] tệp âm thanh
        [pdf] tài liệu PDF
        [subtitle] tệp phụ đề
       *[other] { $expected }
    }; tệp gửi lên là { $found ->
        [image] hình ảnh
        [video] video
        [audio] tệp âm thanh
        [pdf] tài liệu PDF
        [subtitle] tệp phụ đề
       *[other] { $found }
    }. Hãy tải lên thành một mục mới.
problem-media_link_expired = Liên kết đã hết hạn
    .detail = Liên kết đa phương tiện này đã hết hạn. Hãy tải lại bài học để nhận liên kết mới.
problem-media_type_mismatch = Nội dung không khớp với loại tệp
    .detail = Nội dung của tệp là { $found }, không phải loại đã khai báo.
problem-media_type_not_allowed = Không chấp nhận loại tệp này
    .detail = Bài học chấp nhận hình PNG hoặc JPEG, video MP4 hoặc WebM, âm thanh MP3, M4A, Ogg hoặc WAV, tài liệu PDF và phụ đề WebVTT.
problem-range_not_satisfiable = Phạm vi không hợp lệ
    .detail = Phạm vi yêu cầu bắt đầu sau cuối tệp (tệp có { $size } byte).
problem-storage_quota_exceeded = Bộ nhớ đã đầy
    .detail = Lưu tệp này sẽ vượt hạn mức lưu trữ đa phương tiện. Hãy xóa các mục không dùng hoặc xin thêm dung lượng.
problem-upload_truncated = Tải lên chưa hoàn tất
    .detail = Quá trình tải lên kết thúc trước khi nhận đủ tệp. Không có gì được lưu; vui lòng gửi lại.
problem-upload_offset_conflict = Phần dữ liệu sai vị trí
    .detail = Lượt tải lên này đã nhận { $offset } byte; hãy gửi phần tiếp theo bắt đầu từ byte { $offset }.
problem-upload_offset_missing = Thiếu vị trí của phần dữ liệu
    .detail = Hãy gửi mỗi phần kèm tiêu đề Upload-Offset cho biết byte bắt đầu (dùng HEAD để biết cần tiếp tục từ đâu).
field-invalid_file_name = Tên tệp phải là một tên duy nhất, không có thư mục (/ hoặc \), không phải "." hoặc "..".
