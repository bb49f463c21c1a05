# Tài liệu lỗi (RFC 9457): thông điệp là tiêu đề, .detail là chi tiết.
problem-generic = Yêu cầu thất bại
    .detail = Không thể hoàn tất yêu cầu.
problem-bad_request = Yêu cầu không hợp lệ
    .detail = Yêu cầu không đúng định dạng.
problem-malformed_json = JSON sai định dạng
    .detail = Nội dung yêu cầu không phải JSON hợp lệ.
problem-invalid_json = Nội dung yêu cầu không hợp lệ
    .detail = JSON thiếu trường bắt buộc hoặc có giá trị sai kiểu.
problem-malformed_body = Không đọc được nội dung yêu cầu
    .detail = Không thể đọc trọn vẹn nội dung yêu cầu.
problem-invalid_query = Tham số truy vấn không hợp lệ
    .detail = Một tham số truy vấn có giá trị không dùng được.
problem-validation_failed = Dữ liệu không hợp lệ
    .detail = Một số trường không hợp lệ; xem chi tiết trong errors.
problem-unauthenticated = Cần đăng nhập
    .detail = Vui lòng đăng nhập và gửi mã truy cập hợp lệ.
problem-invalid_credentials = Thông tin đăng nhập sai
    .detail = Cơ sở, email hoặc mật khẩu không đúng.
problem-forbidden = Không được phép
    .detail = Vai trò của bạn không được thực hiện thao tác này.
problem-not_found = Không tìm thấy
    .detail = Tài nguyên được yêu cầu không tồn tại.
problem-method_not_allowed = Phương thức không được hỗ trợ
    .detail = Tài nguyên này không chấp nhận phương thức HTTP này.
problem-not_acceptable = Không thể đáp ứng định dạng
    .detail = Không thể tạo phản hồi theo bất kỳ định dạng nào được yêu cầu.
problem-request_timeout = Hết thời gian chờ yêu cầu
    .detail = Yêu cầu đến quá chậm.
problem-conflict = Xung đột
    .detail = Yêu cầu xung đột với trạng thái hiện tại của tài nguyên.
problem-payload_too_large = Nội dung yêu cầu quá lớn
    .detail = Nội dung yêu cầu lớn hơn { $limit } byte được chấp nhận.
problem-unsupported_media_type = Kiểu dữ liệu không được hỗ trợ
    .detail = Vui lòng gửi nội dung dưới dạng { $expected }.
problem-too_many_requests = Quá nhiều yêu cầu
    .detail = Vui lòng chờ một lát rồi thử lại.
problem-service_unavailable = Dịch vụ tạm thời không khả dụng
    .detail = Dịch vụ hiện không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau.
problem-internal = Lỗi nội bộ
    .detail = Đã xảy ra sự cố phía máy chủ và đã được ghi nhận.
problem-branch_exists = Mã cơ sở đã được dùng
    .detail = Đã có cơ sở dùng mã này.
problem-email_taken = Email đã được đăng ký
    .detail = Cơ sở này đã có người dùng với email này. Nếu họ chưa chấp nhận lời mời, vui lòng gửi lại lời mời (POST /api/v1/users/<id>/invitation) thay vì tạo lại.
problem-not_failed = Không phải email gửi thất bại
    .detail = Chỉ có thể gửi lại các email đã thất bại.
problem-invitation_invalid = Lời mời không hợp lệ
    .detail = Liên kết mời này không tồn tại, đã được dùng hoặc đã hết hạn.
problem-idempotency_in_progress = Yêu cầu vẫn đang được xử lý
    .detail = Yêu cầu với Idempotency-Key này vẫn đang được xử lý. Vui lòng thử lại sau giây lát.
problem-idempotency_key_reused = Idempotency-Key bị dùng lại
    .detail = Idempotency-Key này đã được dùng cho một yêu cầu khác.

field-required = Trường này là bắt buộc.
field-invalid_type = Giá trị này sai kiểu dữ liệu.
field-invalid_value = Không dùng được giá trị này: { $reason }
field-invalid_choice = Giá trị này không nằm trong các lựa chọn cho phép.
field-out_of_range = Phải nằm trong khoảng { $min } đến { $max }.
field-invalid_cursor = Con trỏ phân trang không hợp lệ; vui lòng bắt đầu lại từ trang đầu.
field-unknown_locale = Ngôn ngữ không xác định; dùng zh-CN, en, th hoặc vi.
field-too_long = Quá dài: tối đa { $max } ký tự.
field-invalid_branch_code = Dùng 2 đến 8 chữ in hoa hoặc chữ số.
field-invalid_country = Không phải mã quốc gia hai chữ cái theo ISO 3166-1.
field-invalid_time_zone = Không phải tên múi giờ IANA (ví dụ Asia/Bangkok).
field-invalid_email = Địa chỉ email không hợp lệ.
field-password_too_short = Mật khẩu phải có ít nhất { $min } ký tự.
field-password_too_simple = Mật khẩu quá đơn giản.
field-wrong_password = Mật khẩu hiện tại không đúng.
field-role_not_in_branch = Quản trị viên trụ sở phải thuộc cơ sở HQ.

# Lớp học và ghi danh.
problem-cohort_full = Lớp đã đủ chỗ
    .detail = Tất cả chỗ trong lớp này đã được đăng ký.
problem-already_enrolled = Đã ghi danh
    .detail = Học viên này đã ghi danh vào lớp này.
problem-cohort_closed = Lớp đã đóng
    .detail = Lớp này không nhận ghi danh mới.
problem-capacity_below_enrolled = Số chỗ tối đa quá thấp
    .detail = Đã có { $enrolled } học viên ghi danh; số chỗ tối đa không thể thấp hơn số này.
problem-enrolment_not_active = Ghi danh không còn hiệu lực
    .detail = Học viên đã rút khỏi lớp; lượt ghi danh này không còn hiệu lực.
field-course_not_offered = Khóa học này chưa được mở cho cơ sở này.
field-ends_before_start = Ngày kết thúc trước ngày bắt đầu.
field-invalid_date = Dùng định dạng ngày như 2026-03-01.
field-unknown_user = Không có người dùng này trong cơ sở.
field-not_a_trainee = Chỉ học viên mới được ghi danh.

## hardening: text policy
field-invalid_characters = Có ký tự không thể lưu ở đây ({ $character }): không được dùng ký tự điều khiển, xuống dòng trong trường một dòng, ký tự ẩn hoặc ký tự đổi hướng văn bản.
field-mixed_scripts = Phần trước @ trộn lẫn nhiều bảng chữ cái (ví dụ chữ Latinh và chữ Kirin); vui lòng dùng một bảng chữ cái.
## hardening: worker
problem-job_stale = Tác vụ nền bị đình trệ
    .detail = Tác vụ nền { $job } đã { $seconds } giây không hoàn tất lượt chạy nào; việc gửi email hoặc chấm điểm bài thi có thể bị chậm trễ.
## user management
problem-role_change_not_allowed = Không được phép đổi vai trò
    .detail = Chỉ quản trị viên trụ sở mới được đổi vai trò của người dùng.
problem-cannot_deactivate_self = Bạn không thể tự vô hiệu hóa tài khoản của mình
    .detail = Quản trị viên không thể vô hiệu hóa tài khoản của chính mình; vui lòng nhờ một quản trị viên khác.
field-role_crosses_hq = Quản trị viên trụ sở không thể chuyển sang vai trò của cơ sở, và người dùng cơ sở không thể trở thành quản trị viên trụ sở.
## accounts: lost access
problem-password_reset_invalid = Liên kết đặt lại mật khẩu không hợp lệ
    .detail = Liên kết đặt lại mật khẩu này không tồn tại, đã được dùng hoặc đã hết hạn. Vui lòng yêu cầu một liên kết mới.
problem-not_invited = Không có lời mời đang chờ
    .detail = Người dùng này đã chấp nhận lời mời (hoặc chưa từng được mời): họ đăng nhập bằng mật khẩu của mình và có thể yêu cầu đặt lại mật khẩu.
problem-user_not_active = Người dùng không hoạt động
    .detail = Người dùng này không thể đăng nhập: người được mời cần được gửi lại lời mời, người dùng bị vô hiệu hóa phải được kích hoạt lại trước.
## answer sync
field-before_attempt_start = Thời điểm này trước khi lượt thi bắt đầu.
field-duplicate_answer = Cùng một câu hỏi xuất hiện hai lần với cùng số thứ tự.
field-not_in_attempt = Câu hỏi này không thuộc lượt thi.
field-seq_not_increasing = Số thứ tự phải tăng dần trong cả lô.
field-time_in_future = Thời điểm này ở tương lai; vui lòng kiểm tra đồng hồ của thiết bị.
field-too_many_items = Quá nhiều mục: tối đa { $max }.

## localization: input conventions
field-buddhist_era_year = Năm { $year } có vẻ là năm Phật lịch: vui lòng nhập năm Dương lịch ({ $year_ce }).
field-implausible_year = Vui lòng nhập năm Dương lịch trong khoảng từ { $min } đến { $max }.
problem-certificate_revoked = Chứng chỉ đã bị thu hồi
    .detail = Chứng chỉ này đã bị thu hồi nên không thể cấp lại. Học viên có thể được cấp chứng chỉ mới bằng cách học lại khóa học.
field-unknown_organisation = Không có tổ chức này trong cơ sở.
field-no_practical = Khóa học này không có bài đánh giá thực hành.
field-checklist_incomplete = Mỗi bước trong danh sách kiểm tra cần có kết quả.
field-not_in_checklist = Bước này không thuộc danh sách kiểm tra của khóa học.
