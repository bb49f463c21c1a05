# Texts of server-rendered pages.
page-brand = { -brand }

## Pages behind email links (accept an invitation, reset a password).
page-language-name = English
page-languages = Language
page-error-summary = There is a problem
page-error-prefix = Error:
page-branch = Campus
page-email = Email
page-password = New password
page-password-hint = At least 10 characters. A few words you can remember make a good password.
page-password-confirmation = Repeat the new password
page-confirmation-missing = Enter the new password a second time.
page-confirmation-mismatch = The two passwords are not the same.
page-csrf-failed = This form has expired or was not sent from this page. Enter your new password again and send it.
page-throttled = Too many attempts. Wait { $minutes ->
        [one] a minute
       *[other] { $minutes } minutes
    }, then try again.
page-failure-title = Something went wrong
page-failure-body = We could not complete this on our side. Please try again in a few minutes.
invite-title = Set your password
invite-intro = Hello { $name }, welcome to { -brand }. Choose a password to finish setting up your account.
invite-submit = Set password
invite-done-title = Your account is ready
invite-done-body = Your password is set. Open the { -brand } app and sign in with this campus and email and your new password.
invite-done-next = Keep your password to yourself. You can close this page now.
invite-invalid-title = This link is no longer valid
invite-invalid-body = The invitation link has already been used, has expired, or is incomplete.
invite-invalid-hint = Ask your campus administrator to send you a new invitation. If you have already set your password, open the app and sign in.
reset-title = Choose a new password
reset-intro = Hello { $name }. Choose a new password for your account.
reset-submit = Save new password
reset-done-title = Your password has been changed
reset-done-body = Open the { -brand } app and sign in with this campus and email and your new password.
reset-done-next = For your safety, you have been signed out on every device. You can close this page now.
reset-invalid-title = This link is no longer valid
reset-invalid-body = The password reset link has already been used, has expired, or is incomplete.
reset-invalid-hint = Open the { -brand } app and ask for a new link with "Forgot password" on the sign-in screen.

## localization: the brand, one term for every message
-brand = Zhijiang
