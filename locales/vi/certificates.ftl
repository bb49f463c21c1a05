# Certificates: the Open Badges credential and the public verify page.

# Open Badges achievement criteria, in the credential's language.
cert-criteria-narrative = Đã hoàn thành tất cả các bài học của khóa “{ $course }” và đạt bài thi cuối khóa.
cert-criteria-narrative-practical = Đã hoàn thành tất cả các bài học của khóa “{ $course }”, đạt bài thi cuối khóa và được xác nhận đạt bài đánh giá thực hành “{ $practical }” tại xưởng.

# The public verify page (/verify/{code}).
cert-page-title = Xác minh chứng chỉ
cert-page-heading = Xác minh chứng chỉ
cert-page-holder = Người được cấp
cert-page-course = Khóa học
cert-page-branch = Đơn vị cấp
cert-page-issued = Ngày cấp
cert-page-code = Mã chứng chỉ
cert-page-status = Trạng thái
cert-status-valid = Còn hiệu lực
cert-status-valid-detail = Chứng chỉ này hợp lệ và còn hiệu lực.
cert-status-revoked = Đã bị thu hồi
cert-status-revoked-detail = Chứng chỉ này đã bị thu hồi và không còn hiệu lực.
cert-status-revoked-reason = Lý do: { $reason }
cert-page-qr = Quét mã QR này để xác minh chứng chỉ trực tuyến bất cứ lúc nào.
cert-page-url = Địa chỉ xác minh

# Page for a code that matches no certificate.
cert-not-found-title = Không tìm thấy chứng chỉ
cert-not-found-body = Không có chứng chỉ nào mang mã { $code }. Vui lòng kiểm tra lại mã và thử lại.
cert-not-found-hint = Mã có dạng BKK-7F3K-9QPX. Chữ O và I được hiểu là chữ số 0 và 1.

# Dates: { $day } and { $year } are numbers, { $month } one of the names below.
cert-date = ngày { $day } { $month } năm { $year }
cert-month-1 = tháng 1
cert-month-2 = tháng 2
cert-month-3 = tháng 3
cert-month-4 = tháng 4
cert-month-5 = tháng 5
cert-month-6 = tháng 6
cert-month-7 = tháng 7
cert-month-8 = tháng 8
cert-month-9 = tháng 9
cert-month-10 = tháng 10
cert-month-11 = tháng 11
cert-month-12 = tháng 12

# Validity (courses whose certificates expire).
cert-page-expires = Có hiệu lực đến
cert-status-expired = Đã hết hạn
cert-status-expired-detail = Chứng chỉ này từng hợp lệ nhưng đã hết thời hạn hiệu lực.

# Page for a visitor who checked too many codes in a short time (429).
cert-busy-title = Tra cứu quá nhiều lần
cert-busy-body = Thiết bị này đã tra cứu quá nhiều chứng chỉ trong thời gian ngắn. Vui lòng đợi { $seconds } giây rồi tải lại trang.
