email-footer = { -brand } · 新能源汽车技术人才国际工匠学院
email-test-subject = { -brand }测试邮件
email-test-text = { $name }，您好！这是一封测试邮件。
email-test-html = <p>{ $name }，您好！这是一封测试邮件。</p>
email-invitation-subject = 您在{ $branch }的{ -brand }账号
email-invitation-text =
    { $name }，您好！

    我们已在{ $branch }为您创建了账号。请通过以下链接设置密码，开始学习：
    { $link }

    该链接只能使用一次，将于{ $expires }失效。
email-invitation-html =
    <p>{ $name }，您好！</p>
    <p>我们已在<strong>{ $branch }</strong>为您创建了账号。请设置密码，开始学习：</p>
    <p><a href="{ $link }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">设置我的密码</a></p>
    <p style="font-size:.9em;color:#555">该链接只能使用一次，将于{ $expires }失效。<br>{ $link }</p>
email-certificate-subject = 您已获得证书：{ $course }
email-certificate-text =
    恭喜您，{ $name }！

    您已于{ $date }在{ $branch }完成“{ $course }”的全部课时并通过考试。
    您的证书编号为 { $code }。任何人（包括用人单位）都可以在此查验：
    { $public_url }/verify/{ $code }
email-certificate-html =
    <p>恭喜您，{ $name }！</p>
    <p>您已于{ $date }在{ $branch }完成<strong>“{ $course }”</strong>的全部课时并通过考试。</p>
    <p>您的证书编号为 <strong style="font-size:1.2em;letter-spacing:.05em">{ $code }</strong>。</p>
    <p><a href="{ $public_url }/verify/{ $code }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">查看我的证书</a></p>
    <p style="font-size:.9em;color:#555">任何人（包括用人单位）都可以在 { $public_url }/verify/{ $code } 查验。</p>
email-password-reset-subject = 为您在{ $branch }的{ -brand }账号设置新密码
email-password-reset-text =
    { $name }，您好：

    有人（希望是您本人）申请重置您在{ $branch }的账号密码。请在此设置新密码：
    { $link }

    此链接只能使用一次，{ $minutes } 分钟内有效。使用后，您将在所有设备上退出登录。
    如果不是您本人申请，请忽略此邮件，您的密码不会改变。
email-password-reset-html =
    <p>{ $name }，您好：</p>
    <p>有人（希望是您本人）申请重置您在<strong>{ $branch }</strong>的账号密码。</p>
    <p><a href="{ $link }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">设置新密码</a></p>
    <p style="font-size:.9em;color:#555">此链接只能使用一次，{ $minutes } 分钟内有效。使用后，您将在所有设备上退出登录。<br>如果不是您本人申请，请忽略此邮件，您的密码不会改变。<br>{ $link }</p>
email-certificate-revoked-subject = 证书已撤销：{ $course }
email-certificate-revoked-text =
    { $name }，您好：

    您由{ $branch }颁发的“{ $course }”证书 { $code } 已被撤销，不再有效。
    原因：{ $reason }

    雇主查验该证书时将看到它已被撤销。如您认为有误，请联系{ $branch }。
email-certificate-revoked-html =
    <p>{ $name }，您好：</p>
    <p>您由{ $branch }颁发的<strong>{ $course }</strong>证书 <strong>{ $code }</strong> 已被撤销，不再有效。</p>
    <p>原因：{ $reason }</p>
    <p style="font-size:.9em;color:#555">雇主查验该证书时将看到它已被撤销。如您认为有误，请联系{ $branch }。</p>
email-certificate-expiring-subject = 您的证书将于 { $date } 到期：{ $course }
email-certificate-expiring-text =
    { $name }，您好：

    您的“{ $course }”证书 { $code } 有效期至 { $date }（还有 { $days } 天）。
    如需保持证书有效，请在此日期前报名该课程的新班级并再次通过考试。
    { $public_url }/verify/{ $code }
email-certificate-expiring-html =
    <p>{ $name }，您好：</p>
    <p>您的<strong>{ $course }</strong>证书 <strong>{ $code }</strong> 有效期至 <strong>{ $date }</strong>（还有 { $days } 天）。</p>
    <p>如需保持证书有效，请在此日期前报名该课程的新班级并再次通过考试。</p>
    <p style="font-size:.9em;color:#555">{ $public_url }/verify/{ $code }</p>
