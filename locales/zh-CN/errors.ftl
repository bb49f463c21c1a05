# 问题文档（RFC 9457）：消息为标题，.detail 为详情。
problem-generic = 请求失败
    .detail = 无法完成该请求。
problem-bad_request = 请求有误
    .detail = 请求格式不正确。
problem-malformed_json = JSON 格式错误
    .detail = 请求体不是有效的 JSON。
problem-invalid_json = 请求体无效
    .detail = JSON 请求体缺少字段或某个值的类型不正确。
problem-malformed_body = 无法读取请求体
    .detail = 未能完整读取请求体。
problem-invalid_query = 查询参数无效
    .detail = 某个查询参数的值无法使用。
problem-validation_failed = 校验失败
    .detail = 部分字段无效，详见 errors 中的逐项说明。
problem-unauthenticated = 需要登录
    .detail = 请登录并提供有效的访问令牌。
problem-invalid_credentials = 登录信息错误
    .detail = 分院、邮箱或密码不正确。
problem-forbidden = 无权操作
    .detail = 您的角色不允许执行此操作。
problem-not_found = 未找到
    .detail = 请求的资源不存在。
problem-method_not_allowed = 不支持的请求方法
    .detail = 该资源不接受此 HTTP 方法。
problem-not_acceptable = 无法提供所需格式
    .detail = 无法生成所请求的任何响应格式。
problem-request_timeout = 请求超时
    .detail = 等待请求数据超时。
problem-conflict = 冲突
    .detail = 该请求与资源的当前状态冲突。
problem-payload_too_large = 请求体过大
    .detail = 请求体超过了此处允许的 { $limit } 字节。
problem-unsupported_media_type = 不支持的媒体类型
    .detail = 请以 { $expected } 格式发送请求体。
problem-too_many_requests = 请求过于频繁
    .detail = 请稍候再试。
problem-service_unavailable = 服务暂不可用
    .detail = 服务暂时无法连接数据库，请稍后重试。
problem-internal = 内部错误
    .detail = 服务器端出现问题，已记录日志。
problem-branch_exists = 分院代码已被占用
    .detail = 已存在使用该代码的分院。
problem-email_taken = 邮箱已注册
    .detail = 本分院已有使用该邮箱的用户。如果对方尚未接受邀请，请重新发送邀请（POST /api/v1/users/<id>/invitation），而不是重新创建。
problem-not_failed = 不是发送失败的邮件
    .detail = 只有发送失败的邮件才能重试。
problem-invitation_invalid = 邀请无效
    .detail = 该邀请链接不存在、已被使用或已过期。
problem-idempotency_in_progress = 请求仍在处理中
    .detail = 使用该 Idempotency-Key 的请求仍在处理，请稍后重试。
problem-idempotency_key_reused = Idempotency-Key 重复使用
    .detail = 该 Idempotency-Key 已用于另一个不同的请求。

field-required = 此字段为必填项。
field-invalid_type = 该值的类型不正确。
field-invalid_value = 该值无法使用：{ $reason }
field-invalid_choice = 该值不在允许的选项之中。
field-out_of_range = 取值必须在 { $min } 到 { $max } 之间。
field-invalid_cursor = 分页游标无效，请从第一页重新开始。
field-unknown_locale = 未知语言，请使用 zh-CN、en、th 或 vi。
field-too_long = 过长：最多 { $max } 个字符。
field-invalid_branch_code = 请使用 2 到 8 位大写字母或数字。
field-invalid_country = 不是 ISO 3166-1 两位国家代码。
field-invalid_time_zone = 不是 IANA 时区名称（例如 Asia/Bangkok）。
field-invalid_email = 不是有效的邮箱地址。
field-password_too_short = 密码至少需要 { $min } 个字符。
field-password_too_simple = 密码过于简单。
field-wrong_password = 当前密码不正确。
field-role_not_in_branch = 总部管理员只能属于总部（HQ）。

# 班级与报名。
problem-cohort_full = 班级已满
    .detail = 该班级的名额已全部占满。
problem-already_enrolled = 已报名
    .detail = 该学员已在此班级报名。
problem-cohort_closed = 班级已关闭
    .detail = 该班级不再接受新的报名。
problem-capacity_below_enrolled = 名额上限过低
    .detail = 已有 { $enrolled } 名学员报名，名额上限不能低于此数。
problem-enrolment_not_active = 报名已失效
    .detail = 该学员已退出本班级，报名已失效。
field-course_not_offered = 该课程未向本分院发布。
field-ends_before_start = 结束日期早于开始日期。
field-invalid_date = 请使用类似 2026-03-01 的日期格式。
field-unknown_user = 本分院没有该用户。
field-not_a_trainee = 只有学员可以报名。

## hardening: text policy
field-invalid_characters = 包含不能保存在此处的字符（{ $character }）：不允许控制字符、单行文本中的换行，以及不可见字符或文字方向控制字符。
field-mixed_scripts = @ 前面的部分混用了不同文字（例如拉丁字母和西里尔字母），请只使用一种文字。
## hardening: worker
problem-job_stale = 后台任务停滞
    .detail = 后台任务 { $job } 已有 { $seconds } 秒未完成运行，邮件发送或考试评分可能因此延误。
## user management
problem-role_change_not_allowed = 不允许更改角色
    .detail = 只有总部管理员可以更改用户的角色。
problem-cannot_deactivate_self = 不能停用自己的账号
    .detail = 管理员不能停用自己的账号，请联系其他管理员。
field-role_crosses_hq = 总部管理员不能改为分支机构角色，分支机构用户也不能改为总部管理员。
## accounts: lost access
problem-password_reset_invalid = 重置链接无效
    .detail = 此密码重置链接不存在、已被使用或已过期。请重新申请。
problem-not_invited = 没有待接受的邀请
    .detail = 该用户已接受邀请（或从未被邀请）：他们用自己的密码登录，也可以申请重置密码。
problem-user_not_active = 用户未启用
    .detail = 该用户无法登录：受邀用户需要重新发送邀请，已停用的用户须先重新启用。
## answer sync
field-before_attempt_start = 该时间早于本次考试开始的时间。
field-duplicate_answer = 同一道题以相同的序号出现了两次。
field-not_in_attempt = 该题目不属于本次考试。
field-seq_not_increasing = 批次中的序号必须依次递增。
field-time_in_future = 该时间在未来；请检查设备的时钟。
field-too_many_items = 条目过多：最多 { $max } 条。

## localization: input conventions
field-buddhist_era_year = { $year } 年似乎是佛历年份，请填写公历年份（{ $year_ce } 年）。
field-implausible_year = 请填写 { $min } 至 { $max } 年之间的公历年份。
problem-certificate_revoked = 证书已撤销
    .detail = 该证书已被撤销，不能重新签发。学员可以重新完成课程以获得新的证书。
field-unknown_organisation = 本分院没有该机构。
field-no_practical = 该课程没有实操考核。
field-checklist_incomplete = 检查表的每一步都需要给出结果。
field-not_in_checklist = 该步骤不在本课程的检查表中。
