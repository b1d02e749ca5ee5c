"""What each ad platform's bulk-upload tool takes: sheet headers, image ratios and sizes, call-to-action values.

One ``PlatformSpec`` per platform, as data. The headers are the column names the platform's own bulk tool reads
(Meta Ads Manager "Import ads in bulk", TikTok Ads Manager "Bulk import", Google Ads Editor "Import CSV"); a sheet
may leave out the columns it does not fill, so each spec lists only the ones a finished image ad needs.

Ratios: every platform lists the ratios of ours it takes for a single-image ad, each with the largest size worth
uploading (bigger images are scaled down, never cropped: the copy and the logo are painted on) and the smallest
size the platform accepts.

- Meta takes JPG/PNG up to 30 MB; feed images from 1.91:1 to 4:5, Stories and Reels at 9:16.
- TikTok image ads take 9:16 and 1:1 (its landscape image is 1.91:1, so a 16:9 creative does not fit, nor does
  4:5); TikTok asks for files of at most 500 KB, which this package treats as the limit.
- Google Demand Gen image ads take square 1:1, portrait 4:5 and landscape 1.91:1 images of up to 5120 KB; our 16:9
  is not 1.91:1 and 9:16 is not an image-asset ratio there, so those two are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Platform = Literal["meta", "tiktok", "google"]

# Where a column's value comes from (see ``package.py``): the campaign's name, the ad set or ad group the row goes
# into, the ad's name, its headline, its small print, the destination URL, the call-to-action value and the image.
Field = Literal["campaign", "ad_group", "ad_name", "headline", "terms", "url", "cta", "image"]


@dataclass(frozen=True)
class RatioSpec:
    """One of our ratios as a platform takes it for an image ad."""

    max_size: tuple[int, int]  # larger images are scaled down to fit inside this (width, height)
    min_size: tuple[int, int]  # smaller ones are refused by the platform
    image_column: str  # the column that names the image file
    cells: Mapping[str, str] = field(default_factory=dict)  # placement columns and their values for this ratio
    placement: str = ""  # what it is called in the platform's interface (for messages)


@dataclass(frozen=True)
class PlatformSpec:
    """Everything the package writer needs to know about one platform's bulk tool."""

    name: Platform
    label: str
    sheet_stem: str  # the sheet files are <stem>.csv (and <stem>.xlsx)
    headers: tuple[str, ...]
    fields: Mapping[str, Field]  # header → where its value comes from
    constants: Mapping[str, str]  # header → the same value on every row
    ratios: Mapping[str, RatioSpec]
    max_bytes: int
    csv_bom: bool
    xlsx: bool
    cta_values: Mapping[str, str]  # our call to action, lower-cased with its punctuation removed → platform value
    default_cta: str
    text_limits: Mapping[str, int]  # header → most characters the platform takes
    readme_line: str

    def accepted(self) -> str:
        """The ratios this platform takes, for messages: ``1x1, 4x5``."""
        return ", ".join(self.ratios)


_META_FEED = {
    "Publisher Platforms": "facebook, instagram",
    "Facebook Positions": "feed",
    "Instagram Positions": "stream",
}

META = PlatformSpec(
    name="meta",
    label="Meta",
    sheet_stem="meta_bulk_import",
    headers=(
        "Campaign Name",
        "Ad Set Name",
        "Ad Name",
        "Title",
        "Body",
        "Link",
        "Image File Name",
        "Call to Action",
        "URL Tags",
        "Publisher Platforms",
        "Facebook Positions",
        "Instagram Positions",
    ),
    fields={
        "Campaign Name": "campaign",
        "Ad Set Name": "ad_group",
        "Ad Name": "ad_name",
        "Title": "headline",
        "Body": "terms",
        "Link": "url",
        "Image File Name": "image",
        "Call to Action": "cta",
    },
    constants={},  # "URL Tags" stays empty: the tracking parameters are already in the Link
    ratios={
        "1x1": RatioSpec((1440, 1440), (600, 600), "Image File Name", _META_FEED, "Feed"),
        "4x5": RatioSpec((1440, 1800), (600, 750), "Image File Name", _META_FEED, "Feed"),
        "9x16": RatioSpec(
            (1440, 2560),
            (600, 1067),
            "Image File Name",
            {
                "Publisher Platforms": "facebook, instagram",
                "Facebook Positions": "story, facebook_reels",
                "Instagram Positions": "story, reels",
            },
            "Stories and Reels",
        ),
        "16x9": RatioSpec((1920, 1080), (600, 338), "Image File Name", _META_FEED, "Feed"),
    },
    max_bytes=30 * 1024 * 1024,
    # Ads Manager reads UTF-8 CSV; a BOM would risk being read as part of the first header, so none.
    csv_bom=False,
    xlsx=True,  # the bulk template Ads Manager hands out is an Excel workbook
    cta_values={
        "shop now": "SHOP_NOW",
        "buy now": "BUY_NOW",
        "order now": "ORDER_NOW",
        "learn more": "LEARN_MORE",
        "sign up": "SIGN_UP",
        "subscribe": "SUBSCRIBE",
        "download": "DOWNLOAD",
        "contact us": "CONTACT_US",
        "get offer": "GET_OFFER",
        "apply now": "APPLY_NOW",
        "book now": "BOOK_TRAVEL",
        "get quote": "GET_QUOTE",
        "see menu": "SEE_MENU",
        "watch more": "WATCH_MORE",
    },
    default_cta="LEARN_MORE",
    text_limits={},
    readme_line=(
        "Meta: upload the images/ folder to the ad account's Media library, then in Ads Manager choose "
        "Import ads in bulk (Export & import > Import ads in bulk) and pick meta_bulk_import.xlsx "
        "(or the .csv); fill in the campaign objective and ad set budgets it asks for."
    ),
)

TIKTOK = PlatformSpec(
    name="tiktok",
    label="TikTok",
    sheet_stem="tiktok_bulk_import",
    headers=(
        "Campaign Name",
        "Ad Group Name",
        "Placements",
        "Ad Name",
        "Ad Format",
        "Ad Text",
        "Images",
        "Call to Action",
        "Destination URL",
    ),
    fields={
        "Campaign Name": "campaign",
        "Ad Group Name": "ad_group",
        "Ad Name": "ad_name",
        "Ad Text": "headline",
        "Images": "image",
        "Call to Action": "cta",
        "Destination URL": "url",
    },
    constants={"Ad Format": "Single image"},
    ratios={
        "9x16": RatioSpec((1080, 1920), (540, 960), "Images", {"Placements": "TikTok"}, "TikTok feed"),
        "1x1": RatioSpec((1080, 1080), (640, 640), "Images", {"Placements": "Pangle"}, "Pangle"),
    },
    max_bytes=500 * 1024,
    # TikTok's importer asks for "CSV UTF-8", Excel's name for UTF-8 with a byte-order mark.
    csv_bom=True,
    xlsx=True,  # the template TikTok's Bulk import hands out is an Excel workbook
    cta_values={
        "learn more": "Learn more",
        "shop now": "Shop now",
        "order now": "Order now",
        "sign up": "Sign up",
        "subscribe": "Subscribe",
        "download": "Download",
        "download now": "Download",
        "contact us": "Contact us",
        "apply now": "Apply now",
        "book now": "Book now",
        "get quote": "Get quote",
        "watch now": "Watch now",
        "read more": "Read more",
        "view now": "View now",
        "install now": "Install now",
        "play game": "Play game",
    },
    default_cta="Learn more",
    text_limits={"Ad Text": 100},
    readme_line=(
        "TikTok: upload the images/ folder to the ad account's Creative library, then in TikTok Ads Manager "
        "choose Campaign > Bulk import and pick tiktok_bulk_import.xlsx (or the .csv)."
    ),
)

GOOGLE = PlatformSpec(
    name="google",
    label="Google Ads",
    sheet_stem="google_ads_editor",
    headers=(
        "Campaign",
        "Ad group",
        "Ad type",
        "Ad name",
        "Headline 1",
        "Description 1",
        "Call to action",
        "Final URL",
        "Square images",
        "Portrait images",
        "Landscape images",
    ),
    fields={
        "Campaign": "campaign",
        "Ad group": "ad_group",
        "Ad name": "ad_name",
        "Headline 1": "headline",
        "Description 1": "terms",
        "Call to action": "cta",
        "Final URL": "url",
    },
    constants={"Ad type": "Demand Gen image ad"},
    ratios={
        "1x1": RatioSpec((1200, 1200), (300, 300), "Square images", {}, "square image"),
        "4x5": RatioSpec((960, 1200), (480, 600), "Portrait images", {}, "portrait image"),
    },
    max_bytes=5120 * 1024,
    # Google Ads Editor reads UTF-8 and UTF-16 files; the BOM tells it which, so non-Latin copy survives.
    csv_bom=True,
    xlsx=False,  # Editor imports CSV
    cta_values={
        "learn more": "Learn more",
        "shop now": "Shop now",
        "buy now": "Buy now",
        "order now": "Order now",
        "sign up": "Sign up",
        "subscribe": "Subscribe",
        "download": "Download",
        "contact us": "Contact us",
        "get quote": "Get quote",
        "get offer": "Get offer",
        "apply now": "Apply now",
        "book now": "Book now",
        "see more": "See more",
    },
    default_cta="Automated",
    text_limits={"Headline 1": 40, "Description 1": 90},
    readme_line=(
        "Google Ads: in Google Ads Editor choose Account > Import > From file, pick google_ads_editor.csv with the "
        "images/ folder beside it, review the proposed changes, then Post."
    ),
)

PLATFORMS: Mapping[Platform, PlatformSpec] = {"meta": META, "tiktok": TIKTOK, "google": GOOGLE}
