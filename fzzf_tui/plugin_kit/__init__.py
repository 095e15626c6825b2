"""The plugin author kit behind ``fzzf plugin new|check|build``: scaffold a package from
templates (:mod:`.scaffold`), read a plugin project (:mod:`.project`), build and check a wheel
(:mod:`.build`). The checks themselves live in :mod:`fzzf_tui.testing`."""
