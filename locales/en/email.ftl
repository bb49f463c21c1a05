# Emails: -subject, -text (plain text) and -html (the body inside the layout).
email-footer = { -brand } · International Craftsman Academy for new-energy-vehicle technicians
email-test-subject = Test message from { -brand }
email-test-text = Hello { $name }, this is a test message.
email-test-html = <p>Hello { $name }, this is a test message.</p>
email-invitation-subject = Your { -brand } account at { $branch }
email-invitation-text =
    Hello { $name },

    An account has been created for you at { $branch }. Choose your password here to start learning:
    { $link }

    This link works once and expires on { $expires }.
email-invitation-html =
    <p>Hello { $name },</p>
    <p>An account has been created for you at <strong>{ $branch }</strong>. Choose your password to start learning:</p>
    <p><a href="{ $link }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">Choose my password</a></p>
    <p style="font-size:.9em;color:#555">This link works once and expires on { $expires }.<br>{ $link }</p>
email-certificate-subject = Certified: { $course }
email-certificate-text =
    Congratulations, { $name }!

    You have completed every lesson and passed the exam of "{ $course }" at { $branch } on { $date }.
    Your certificate code is { $code }. Anyone, including employers, can check it here:
    { $public_url }/verify/{ $code }
email-certificate-html =
    <p>Congratulations, { $name }!</p>
    <p>You have completed every lesson and passed the exam of <strong>{ $course }</strong> at { $branch } on { $date }.</p>
    <p>Your certificate code is <strong style="font-size:1.2em;letter-spacing:.05em">{ $code }</strong>.</p>
    <p><a href="{ $public_url }/verify/{ $code }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">Show my certificate</a></p>
    <p style="font-size:.9em;color:#555">Anyone, including employers, can check it at { $public_url }/verify/{ $code }</p>
email-password-reset-subject = Choose a new password for { -brand } at { $branch }
email-password-reset-text =
    Hello { $name },

    Someone (we hope you) asked to reset the password of your account at { $branch }. Choose a new password here:
    { $link }

    This link works once, for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Using it signs you out on every device.
    If you did not ask for this, ignore this email: your password stays as it is.
email-password-reset-html =
    <p>Hello { $name },</p>
    <p>Someone (we hope you) asked to reset the password of your account at <strong>{ $branch }</strong>.</p>
    <p><a href="{ $link }" style="display:inline-block;padding:.6em 1.2em;background:#0a7c4a;color:#fff;border-radius:4px;text-decoration:none">Choose a new password</a></p>
    <p style="font-size:.9em;color:#555">This link works once, for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Using it signs you out on every device.<br>If you did not ask for this, ignore this email: your password stays as it is.<br>{ $link }</p>
email-certificate-revoked-subject = Certificate revoked: { $course }
email-certificate-revoked-text =
    Hello { $name },

    Your certificate { $code } for "{ $course }" from { $branch } has been revoked and is no longer valid.
    Reason: { $reason }

    Employers who check it now see that it was revoked. If you believe this is a mistake, please contact { $branch }.
email-certificate-revoked-html =
    <p>Hello { $name },</p>
    <p>Your certificate <strong>{ $code }</strong> for <strong>{ $course }</strong> from { $branch } has been revoked and is no longer valid.</p>
    <p>Reason: { $reason }</p>
    <p style="font-size:.9em;color:#555">Employers who check it now see that it was revoked. If you believe this is a mistake, please contact { $branch }.</p>
email-certificate-expiring-subject = Your certificate expires on { $date }: { $course }
email-certificate-expiring-text =
    Hello { $name },

    Your certificate { $code } for "{ $course }" is valid until { $date } ({ $days ->
        [one] { $days } day
       *[other] { $days } days
    } from now).
    To stay certified, enrol in a new cohort of the course and pass its exam again before that date.
    { $public_url }/verify/{ $code }
email-certificate-expiring-html =
    <p>Hello { $name },</p>
    <p>Your certificate <strong>{ $code }</strong> for <strong>{ $course }</strong> is valid until <strong>{ $date }</strong> ({ $days ->
        [one] { $days } day
       *[other] { $days } days
    } from now).</p>
    <p>To stay certified, enrol in a new cohort of the course and pass its exam again before that date.</p>
    <p style="font-size:.9em;color:#555">{ $public_url }/verify/{ $code }</p>
