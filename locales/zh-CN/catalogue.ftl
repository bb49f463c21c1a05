# catalogue texts
problem-course_exists = 课程代码已被占用
    .detail = 已存在使用该代码的课程。
problem-course_in_use = 课程正在使用中
    .detail = 已有班级或考试引用该课程，无法删除。
problem-lesson_in_use = 课时正在使用中
    .detail = 已有学员的学习进度引用该课时，无法删除。
problem-course_has_no_lessons = 课程没有课时
    .detail = 发布课程前请至少添加一个课时。
field-invalid_course_code = 请使用 2 到 32 位大写字母、数字或连字符（例如 EV-HV-101）。
field-source_not_translated = 源语言必须是已提供的译文之一。
field-not_a_permutation = 请将课程的每个课时恰好列出一次。
field-unknown_branch = 不存在使用该代码的分院。
