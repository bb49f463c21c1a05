# Certificates: the Open Badges credential and the public verify page.

# Open Badges achievement criteria, in the credential's language.
cert-criteria-narrative = 已完成课程“{ $course }”的全部课时，并通过结业考试。
cert-criteria-narrative-practical = 已完成课程“{ $course }”的全部课时，通过结业考试，并在实训车间通过实操考核“{ $practical }”。

# The public verify page (/verify/{code}).
cert-page-title = 证书查验
cert-page-heading = 证书查验
cert-page-holder = 持证人
cert-page-course = 课程
cert-page-branch = 颁发机构
cert-page-issued = 颁发日期
cert-page-code = 证书编号
cert-page-status = 状态
cert-status-valid = 有效
cert-status-valid-detail = 本证书真实有效。
cert-status-revoked = 已撤销
cert-status-revoked-detail = 本证书已被撤销，不再有效。
cert-status-revoked-reason = 撤销原因：{ $reason }
cert-page-qr = 扫描二维码，可随时在线查验本证书。
cert-page-url = 查验网址

# Page for a code that matches no certificate.
cert-not-found-title = 未找到证书
cert-not-found-body = 没有编号为 { $code } 的证书。请核对编号后重试。
cert-not-found-hint = 证书编号形如 BKK-7F3K-9QPX。字母 O 和 I 会被视为数字 0 和 1。

# Dates: { $day } and { $year } are numbers, { $month } one of the names below.
cert-date = { $year }年{ $month }{ $day }日
cert-month-1 = 1月
cert-month-2 = 2月
cert-month-3 = 3月
cert-month-4 = 4月
cert-month-5 = 5月
cert-month-6 = 6月
cert-month-7 = 7月
cert-month-8 = 8月
cert-month-9 = 9月
cert-month-10 = 10月
cert-month-11 = 11月
cert-month-12 = 12月

# Validity (courses whose certificates expire).
cert-page-expires = 有效期至
cert-status-expired = 已过期
cert-status-expired-detail = 该证书真实有效过，但已超过有效期。

# Page for a visitor who checked too many codes in a short time (429).
cert-busy-title = 查验次数过多
cert-busy-body = 此设备在短时间内查验了太多证书。请等待 { $seconds } 秒后刷新页面。
