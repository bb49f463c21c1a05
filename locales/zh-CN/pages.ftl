# Texts of server-rendered pages.
page-brand = 智匠
