# exams texts
problem-not_enrolled = Chưa ghi danh
    .detail = Chỉ học viên đang ghi danh khóa học này mới được làm bài thi.
problem-attempts_exhausted = Đã hết lượt thi
    .detail = Đã dùng hết { $max } lượt thi của bài thi này.
problem-exam_time_over = Đã hết giờ
    .detail = Thời gian làm bài đã hết; không thể thay đổi câu trả lời nữa.
problem-attempt_submitted = Đã nộp bài
    .detail = Lượt làm bài này đã được nộp; không thể thay đổi câu trả lời nữa.
problem-attempt_race = Đang bắt đầu bài thi
    .detail = Một yêu cầu khác đang bắt đầu lượt thi này. Hãy thử lại sau giây lát.
problem-question_bank_too_small = Không đủ câu hỏi
    .detail = Bài thi rút { $needed } câu nhưng ngân hàng chỉ có { $available } câu.
field-option_count = Hãy đưa từ { $min } đến { $max } lựa chọn.
field-options_differ_between_locales = Mọi bản dịch phải có cùng số lựa chọn.
field-true_false_needs_two_options = Câu hỏi đúng/sai có đúng hai lựa chọn.
field-no_such_option = Đây không phải là lựa chọn của câu hỏi này.
field-one_correct_option = Loại câu hỏi này chỉ có một lựa chọn đúng.
