"""Campaign manifest and the static review gallery."""
