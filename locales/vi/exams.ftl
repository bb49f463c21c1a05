# exams texts
