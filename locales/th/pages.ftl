# Texts of server-rendered pages.
page-brand = Zhijiang
