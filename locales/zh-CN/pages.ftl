# Texts of server-rendered pages.
page-brand = { -brand }

## Pages behind email links (accept an invitation, reset a password).
page-language-name = 中文
page-languages = 语言
page-error-summary = 出现问题
page-error-prefix = 错误：
page-branch = 分院
page-email = 电子邮箱
page-password = 新密码
page-password-hint = 至少 10 个字符。由几个好记的词组成的密码就很好。
page-password-confirmation = 再次输入新密码
page-confirmation-missing = 请再输入一次新密码。
page-confirmation-mismatch = 两次输入的密码不一致。
page-csrf-failed = 此表单已过期，或并非从本页面提交。请重新输入新密码并提交。
page-throttled = 尝试次数过多。请等待 { $minutes } 分钟后再试。
page-failure-title = 出错了
page-failure-body = 我们这边未能完成此操作。请几分钟后再试。
invite-title = 设置您的密码
invite-intro = { $name }，您好，欢迎加入{ -brand }。请设置密码以完成账户注册。
invite-submit = 设置密码
invite-done-title = 您的账户已就绪
invite-done-body = 密码已设置。请打开{ -brand }应用，使用此分院、电子邮箱和新密码登录。
invite-done-next = 请勿将密码告诉他人。现在可以关闭此页面。
invite-invalid-title = 此链接已失效
invite-invalid-body = 邀请链接已被使用、已过期或不完整。
invite-invalid-hint = 请联系您所在分院的管理员重新发送邀请。如果您已设置过密码，请打开应用直接登录。
reset-title = 设置新密码
reset-intro = { $name }，您好。请为您的账户设置新密码。
reset-submit = 保存新密码
reset-done-title = 密码已更改
reset-done-body = 请打开{ -brand }应用，使用此分院、电子邮箱和新密码登录。
reset-done-next = 为了您的安全，您已在所有设备上退出登录。现在可以关闭此页面。
reset-invalid-title = 此链接已失效
reset-invalid-body = 密码重置链接已被使用、已过期或不完整。
reset-invalid-hint = 请打开{ -brand }应用，在登录页面点击“忘记密码”获取新链接。

## localization: the brand, one term for every message
-brand = 智匠
