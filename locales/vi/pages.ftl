# Texts of server-rendered pages.
page-brand = { -brand }

## Pages behind email links (accept an invitation, reset a password).
page-language-name = Tiếng Việt
page-languages = Ngôn ngữ
page-error-summary = Có vấn đề cần sửa
page-error-prefix = Lỗi:
page-branch = Cơ sở
page-email = Email
page-password = Mật khẩu mới
page-password-hint = Ít nhất 10 ký tự. Vài từ dễ nhớ ghép lại là một mật khẩu tốt.
page-password-confirmation = Nhập lại mật khẩu mới
page-confirmation-missing = Vui lòng nhập mật khẩu mới thêm một lần nữa.
page-confirmation-mismatch = Hai mật khẩu không giống nhau.
page-csrf-failed = Biểu mẫu này đã hết hạn hoặc không được gửi từ trang này. Vui lòng nhập lại mật khẩu mới và gửi lại.
page-throttled = Bạn đã thử quá nhiều lần. Vui lòng đợi { $minutes } phút rồi thử lại.
page-failure-title = Đã xảy ra lỗi
page-failure-body = Hệ thống của chúng tôi chưa thể hoàn tất việc này. Vui lòng thử lại sau vài phút.
invite-title = Đặt mật khẩu của bạn
invite-intro = Xin chào { $name }, chào mừng bạn đến với { -brand }. Vui lòng chọn mật khẩu để hoàn tất việc tạo tài khoản.
invite-submit = Đặt mật khẩu
invite-done-title = Tài khoản của bạn đã sẵn sàng
invite-done-body = Mật khẩu đã được đặt. Vui lòng mở ứng dụng { -brand } và đăng nhập bằng cơ sở, email này và mật khẩu mới của bạn.
invite-done-next = Vui lòng giữ kín mật khẩu của bạn. Bây giờ bạn có thể đóng trang này.
invite-invalid-title = Liên kết này không còn hiệu lực
invite-invalid-body = Liên kết mời đã được sử dụng, đã hết hạn hoặc không đầy đủ.
invite-invalid-hint = Vui lòng đề nghị quản trị viên cơ sở gửi cho bạn lời mời mới. Nếu bạn đã đặt mật khẩu, vui lòng mở ứng dụng và đăng nhập.
reset-title = Chọn mật khẩu mới
reset-intro = Xin chào { $name }. Vui lòng chọn mật khẩu mới cho tài khoản của bạn.
reset-submit = Lưu mật khẩu mới
reset-done-title = Mật khẩu của bạn đã được thay đổi
reset-done-body = Vui lòng mở ứng dụng { -brand } và đăng nhập bằng cơ sở, email này và mật khẩu mới của bạn.
reset-done-next = Để bảo đảm an toàn, bạn đã được đăng xuất trên mọi thiết bị. Bây giờ bạn có thể đóng trang này.
reset-invalid-title = Liên kết này không còn hiệu lực
reset-invalid-body = Liên kết đặt lại mật khẩu đã được sử dụng, đã hết hạn hoặc không đầy đủ.
reset-invalid-hint = Vui lòng mở ứng dụng { -brand } và yêu cầu liên kết mới bằng "Quên mật khẩu" trên màn hình đăng nhập.

## localization: the brand, one term for every message
-brand = Zhijiang
