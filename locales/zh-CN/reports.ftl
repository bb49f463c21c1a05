# reports texts
report-column-branch = 分院
report-column-course_id = 课程 ID
report-column-course_code = 课程代码
report-column-cohort_id = 班级 ID
report-column-cohort_name = 班级
report-column-enrolled = 报名人数
report-column-active = 在学
report-column-completed = 已完成
report-column-certified = 已获证
report-column-withdrawn = 已退出
report-column-pass_rate = 通过率（0–1，1 = 100%）
report-column-average_score = 平均分（0–100）
report-column-median_days_to_certificate = 取证天数中位数
report-column-country = 国家
report-column-month = 月份
report-column-certified_count = 获证技师人数
report-column-late_synced_attempts = 含延迟同步答案的考试次数
