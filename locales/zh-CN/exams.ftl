# exams texts
problem-not_enrolled = 未报名
    .detail = 只有在本课程有有效报名的学员才能参加考试。
problem-attempts_exhausted = 考试次数已用完
    .detail = 本考试的 { $max } 次机会均已用完。
problem-exam_time_over = 考试时间已到
    .detail = 本次作答时间已结束，答案不能再修改。
problem-attempt_submitted = 已交卷
    .detail = 本次作答已提交，答案不能再修改。
problem-attempt_race = 正在开始考试
    .detail = 另一个请求正在开始本次考试，请稍后重试。
problem-question_bank_too_small = 题目数量不足
    .detail = 本考试每次抽取 { $needed } 道题，但题库只有 { $available } 道。
field-option_count = 请提供 { $min } 到 { $max } 个选项。
field-options_differ_between_locales = 各语言译文的选项数量必须相同。
field-true_false_needs_two_options = 判断题必须恰好有两个选项。
field-no_such_option = 这不是该题目的选项。
field-one_correct_option = 此类题目只能有一个正确选项。
