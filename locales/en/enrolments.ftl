# enrolments texts
problem-csv_not_text = Not a CSV text file
    .detail = The upload is not UTF-8 text. Save the sheet as "CSV UTF-8" and try again.
problem-csv_bad_header = Wrong CSV header
    .detail = The first line must name the columns: email and display_name are required, locale is optional (email,display_name,locale).
problem-csv_empty = Empty CSV file
    .detail = The file has a header but no trainees.
problem-csv_too_many_rows = Too many rows
    .detail = One file may hold at most { $max ->
        [one] { $max } trainee
       *[other] { $max } trainees
    }; split it into several files.
import-row-invalid_email = Row { $row }: the email address is not valid.
import-row-missing_display_name = Row { $row }: the name is missing.
import-row-display_name_too_long = Row { $row }: the name is longer than 120 characters.
import-row-unknown_locale = Row { $row }: unknown language; use zh-CN, en, th or vi.
import-row-duplicate_in_file = Row { $row }: this email appears earlier in the file.
import-row-wrong_column_count = Row { $row }: the number of cells does not match the header.
import-row-not_a_trainee = Row { $row }: this person is an administrator, not a trainee.
import-row-cohort_full = Row { $row }: the cohort is full.
import-row-already_enrolled = Row { $row }: already enrolled in this cohort.

## hardening: text policy
import-row-email_invalid_characters = Row { $row }: the email address contains a control or invisible character.
import-row-email_mixed_scripts = Row { $row }: the email address mixes alphabets (for example Latin and Cyrillic letters) before the @.
import-row-display_name_invalid_characters = Row { $row }: the name contains a line break, a control character or an invisible character.
import-row-unknown_organisation = Row { $row }: there is no such organisation at this campus; use its exact name or id.
