# enrolments texts
problem-csv_not_text = 不是 CSV 文本文件
    .detail = 上传的内容不是 UTF-8 文本。请将表格另存为“CSV UTF-8”后重试。
problem-csv_bad_header = CSV 表头错误
    .detail = 第一行必须是列名：email 和 display_name 为必填，locale 可选（email,display_name,locale）。
problem-csv_empty = CSV 文件为空
    .detail = 文件只有表头，没有学员。
problem-csv_too_many_rows = 行数过多
    .detail = 每个文件最多 { $max } 名学员，请拆分为多个文件。
import-row-invalid_email = 第 { $row } 行：邮箱地址无效。
import-row-missing_display_name = 第 { $row } 行：缺少姓名。
import-row-display_name_too_long = 第 { $row } 行：姓名超过 120 个字符。
import-row-unknown_locale = 第 { $row } 行：未知语言，请使用 zh-CN、en、th 或 vi。
import-row-duplicate_in_file = 第 { $row } 行：该邮箱在文件前面已出现。
import-row-wrong_column_count = 第 { $row } 行：单元格数量与表头不符。
import-row-not_a_trainee = 第 { $row } 行：此人是管理员，不是学员。
import-row-cohort_full = 第 { $row } 行：班级已满。
import-row-already_enrolled = 第 { $row } 行：已在本班级报名。

## hardening: text policy
import-row-email_invalid_characters = 第 { $row } 行：电子邮箱地址包含控制字符或不可见字符。
import-row-email_mixed_scripts = 第 { $row } 行：电子邮箱地址 @ 前面的部分混用了不同文字（例如拉丁字母和西里尔字母）。
import-row-display_name_invalid_characters = 第 { $row } 行：姓名包含换行符、控制字符或不可见字符。
import-row-unknown_organisation = 第 { $row } 行：本分院没有该机构；请使用其准确名称或编号。
