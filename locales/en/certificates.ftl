# Certificates: the Open Badges credential and the public verify page.

# Open Badges achievement criteria, in the credential's language.
cert-criteria-narrative = Completed every lesson of the course “{ $course }” and passed its final exam.
cert-criteria-narrative-practical = Completed every lesson of the course “{ $course }”, passed its final exam and was signed off in the workshop on the practical assessment “{ $practical }”.

# The public verify page (/verify/{code}).
cert-page-title = Certificate verification
cert-page-heading = Certificate verification
cert-page-holder = Holder
cert-page-course = Course
cert-page-branch = Issued by
cert-page-issued = Date of issue
cert-page-code = Certificate code
cert-page-status = Status
cert-status-valid = Valid
cert-status-valid-detail = This certificate is genuine and in force.
cert-status-revoked = Revoked
cert-status-revoked-detail = This certificate has been revoked and is no longer valid.
cert-status-revoked-reason = Reason: { $reason }
cert-page-qr = Scan this code to check the certificate online at any time.
cert-page-url = Verification address

# Page for a code that matches no certificate.
cert-not-found-title = Certificate not found
cert-not-found-body = No certificate has the code { $code }. Please check the code and try again.
cert-not-found-hint = A code looks like BKK-7F3K-9QPX. Letters O and I are read as the digits 0 and 1.

# Dates: { $day } and { $year } are numbers, { $month } one of the names below.
cert-date = { $day } { $month } { $year }
cert-month-1 = January
cert-month-2 = February
cert-month-3 = March
cert-month-4 = April
cert-month-5 = May
cert-month-6 = June
cert-month-7 = July
cert-month-8 = August
cert-month-9 = September
cert-month-10 = October
cert-month-11 = November
cert-month-12 = December

# Validity (courses whose certificates expire).
cert-page-expires = Valid until
cert-status-expired = Expired
cert-status-expired-detail = This certificate was genuine but its validity has ended.

# Page for a visitor who checked too many codes in a short time (429).
cert-busy-title = Too many checks
cert-busy-body = This device has checked many certificates in a short time. Please wait { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    } and reload the page.
