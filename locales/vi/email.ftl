email-footer = { -brand } · Học viện Thợ giỏi Quốc tế dành cho kỹ thuật viên xe năng lượng mới
email-test-subject = Thư thử nghiệm từ { -brand }
email-test-text = Xin chào { $name }, đây là thư thử nghiệm.
email-test-html = <p>Xin chào { $name }, đây là thư thử nghiệm.</p>
email-invitation-subject = Tài khoản { -brand } của bạn tại { $branch }
email-invitation-text =
    Xin chào { $name },

    Chúng tôi đã tạo tài khoản cho bạn tại { $branch }. Vui lòng đặt mật khẩu tại liên kết sau để bắt đầu học:
    { $link }

    Liên kết chỉ dùng được một lần và hết hạn vào { $expires }.
email-invitation-html =
    <p>Xin chào { $name },</p>
    <p>Chúng tôi đã tạo tài khoản cho bạn tại <strong>{ $branch }</strong>. Vui lòng đặt mật khẩu để bắt đầu học:</p>
    <p><a href="{ $link }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">Đặt mật khẩu của tôi</a></p>
    <p style="font-size:.9em;color:#555">Liên kết chỉ dùng được một lần và hết hạn vào { $expires }.<br>{ $link }</p>
email-certificate-subject = Bạn đã được cấp chứng chỉ: { $course }
email-certificate-text =
    Chúc mừng { $name }!

    Bạn đã hoàn thành mọi bài học và vượt qua bài thi cuối khóa của khóa "{ $course }" tại { $branch } vào { $date }.
    Mã chứng chỉ của bạn là { $code }. Bất kỳ ai, kể cả nhà tuyển dụng, đều có thể kiểm tra tại:
    { $public_url }/verify/{ $code }
email-certificate-html =
    <p>Chúc mừng { $name }!</p>
    <p>Bạn đã hoàn thành mọi bài học và vượt qua bài thi cuối khóa của khóa <strong>"{ $course }"</strong> tại { $branch } vào { $date }.</p>
    <p>Mã chứng chỉ của bạn là <strong style="font-size:1.2em;letter-spacing:.05em">{ $code }</strong>.</p>
    <p><a href="{ $public_url }/verify/{ $code }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">Xem chứng chỉ của tôi</a></p>
    <p style="font-size:.9em;color:#555">Bất kỳ ai, kể cả nhà tuyển dụng, đều có thể kiểm tra tại { $public_url }/verify/{ $code }</p>
email-password-reset-subject = Đặt mật khẩu mới cho { -brand } tại { $branch }
email-password-reset-text =
    Xin chào { $name },

    Có người (chúng tôi mong là bạn) đã yêu cầu đặt lại mật khẩu tài khoản của bạn tại { $branch }. Vui lòng chọn mật khẩu mới tại đây:
    { $link }

    Liên kết này chỉ dùng được một lần, trong { $minutes } phút. Khi dùng, bạn sẽ được đăng xuất trên mọi thiết bị.
    Nếu bạn không yêu cầu, vui lòng bỏ qua email này: mật khẩu của bạn vẫn giữ nguyên.
email-password-reset-html =
    <p>Xin chào { $name },</p>
    <p>Có người (chúng tôi mong là bạn) đã yêu cầu đặt lại mật khẩu tài khoản của bạn tại <strong>{ $branch }</strong>.</p>
    <p><a href="{ $link }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">Chọn mật khẩu mới</a></p>
    <p style="font-size:.9em;color:#555">Liên kết này chỉ dùng được một lần, trong { $minutes } phút. Khi dùng, bạn sẽ được đăng xuất trên mọi thiết bị.<br>Nếu bạn không yêu cầu, vui lòng bỏ qua email này: mật khẩu của bạn vẫn giữ nguyên.<br>{ $link }</p>
email-certificate-revoked-subject = Chứng chỉ bị thu hồi: { $course }
email-certificate-revoked-text =
    Xin chào { $name },

    Chứng chỉ { $code } của khóa "{ $course }" do { $branch } cấp cho bạn đã bị thu hồi và không còn hiệu lực.
    Lý do: { $reason }

    Nhà tuyển dụng kiểm tra chứng chỉ này sẽ thấy nó đã bị thu hồi. Nếu bạn cho rằng đây là nhầm lẫn, vui lòng liên hệ { $branch }.
email-certificate-revoked-html =
    <p>Xin chào { $name },</p>
    <p>Chứng chỉ <strong>{ $code }</strong> của khóa <strong>{ $course }</strong> do { $branch } cấp cho bạn đã bị thu hồi và không còn hiệu lực.</p>
    <p>Lý do: { $reason }</p>
    <p style="font-size:.9em;color:#555">Nhà tuyển dụng kiểm tra chứng chỉ này sẽ thấy nó đã bị thu hồi. Nếu bạn cho rằng đây là nhầm lẫn, vui lòng liên hệ { $branch }.</p>
email-certificate-expiring-subject = Chứng chỉ của bạn hết hạn vào { $date }: { $course }
email-certificate-expiring-text =
    Xin chào { $name },

    Chứng chỉ { $code } của khóa "{ $course }" có hiệu lực đến { $date } (còn { $days } ngày).
    Để chứng chỉ tiếp tục có hiệu lực, vui lòng ghi danh vào một lớp mới của khóa học và thi đạt lại trước ngày đó.
    { $public_url }/verify/{ $code }
email-certificate-expiring-html =
    <p>Xin chào { $name },</p>
    <p>Chứng chỉ <strong>{ $code }</strong> của khóa <strong>{ $course }</strong> có hiệu lực đến <strong>{ $date }</strong> (còn { $days } ngày).</p>
    <p>Để chứng chỉ tiếp tục có hiệu lực, vui lòng ghi danh vào một lớp mới của khóa học và thi đạt lại trước ngày đó.</p>
    <p style="font-size:.9em;color:#555">{ $public_url }/verify/{ $code }</p>
