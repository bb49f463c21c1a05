# exams texts
problem-not_enrolled = Not enrolled
    .detail = Only trainees with an active enrolment in this course can sit its exam.
problem-attempts_exhausted = No attempts left
    .detail = { $max ->
        [one] The only attempt at this exam has been used.
       *[other] All { $max } attempts at this exam have been used.
    }
problem-exam_time_over = Time is over
    .detail = The time for this attempt has run out; answers can no longer be changed.
problem-attempt_submitted = Attempt submitted
    .detail = This attempt has been submitted; answers can no longer be changed.
problem-attempt_race = Attempt already starting
    .detail = Another request is starting this attempt. Retry in a moment.
problem-question_bank_too_small = Too few questions
    .detail = The exam draws { $needed ->
        [one] { $needed } question
       *[other] { $needed } questions
    } but its bank has { $available }.
field-option_count = Give between { $min } and { $max } options.
field-options_differ_between_locales = Every translation must have the same number of options.
field-true_false_needs_two_options = A true/false question has exactly two options.
field-no_such_option = This is not one of the question's options.
field-one_correct_option = This kind of question has exactly one correct option.
problem-attempt_expired = Attempt expired
    .detail = Your last attempt ran out of time and has been graded. Send {"{"}"new": true{"}"} to start another attempt.
