# reports texts
report-column-branch = Campus
report-column-course_id = Course ID
report-column-course_code = Course code
report-column-cohort_id = Cohort ID
report-column-cohort_name = Cohort
report-column-enrolled = Enrolled
report-column-active = Active
report-column-completed = Completed
report-column-certified = Certified
report-column-withdrawn = Withdrawn
report-column-pass_rate = Pass rate (share 0–1, 1 = 100%)
report-column-average_score = Average score (0–100)
report-column-median_days_to_certificate = Median days to certificate
report-column-country = Country
report-column-month = Month
report-column-certified_count = Certified technicians
report-column-late_synced_attempts = Attempts with late-synced answers
