"""Pure rules for completion records: what may be the certificate's logo."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000  # on either side
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
# How a whole file of each type ends: the check for truncation, which Pillow skips once WeasyPrint
# has set ImageFile.LOAD_TRUNCATED_IMAGES for the process.
LOGO_ENDINGS = {"PNG": b"IEND\xaeB`\x82", "JPEG": b"\xff\xd9"}


class LogoRefused(ValueError):
    """The uploaded file cannot be the certificate logo; the message says why, for the admin."""


def logo_content_type(data: bytes) -> str:
    """The MIME type of an uploaded logo, from its content (never its name): it must decode as a whole
    PNG or JPEG within the limits. Raises LogoRefused otherwise."""
    if not data:
        raise LogoRefused("Choose a PNG or JPEG file.")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoRefused(f"The logo must be {LOGO_MAX_BYTES // 1024} KB or smaller.")
    not_an_image = LogoRefused("The logo must be a PNG or JPEG image.")
    try:
        with Image.open(io.BytesIO(data), formats=tuple(LOGO_TYPES)) as image:
            kind, size = str(image.format), image.size
            if max(size) <= LOGO_MAX_PIXELS:
                image.load()  # decodes every pixel: a corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise not_an_image from error
    if not data.endswith(LOGO_ENDINGS[kind]):  # truncated
        raise not_an_image
    if max(size) > LOGO_MAX_PIXELS:
        raise LogoRefused(f"The logo must be at most {LOGO_MAX_PIXELS} pixels wide and high.")
    return LOGO_TYPES[kind]
