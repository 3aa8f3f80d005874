"""The demo's photos: small street scenes drawn with Pillow, so that a demo case's photo looks like
a photo of that kind of problem (a litter pile, a pothole, a dark street lamp, a stall on the
pavement …) and not like a coloured rectangle.

A scene is sky, the old town's arcaded buildings (骑楼) with their windows, the pavement and the
road, and the problem of the case's class in front; a wish's photo is the room where the gift was
handed over. Everything is drawn from the `random.Random` given, so the same case always gets the
same photo; a light grain (from the same generator) and a slight blur make it read as a camera's
picture. 400 × 300 pixels, a JPEG of about 15–30 KB, a few milliseconds to draw.
"""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 400, 300
HORIZON = 150  # where the buildings meet the pavement
QUALITY = 80
GRAIN = 0.08  # how much of the picture is grain

# The problem each grid case class shows (by the class's code in the catalogue); others: a cone.
SUBJECTS = {
    **dict.fromkeys(("0102", "0103", "0104", "0105", "0303", "0507", "1104", "0108"), "litter"),
    **dict.fromkeys(("0401", "1101", "1204"), "pothole"),
    **dict.fromkeys(("0402", "0403", "0404"), "puddle"),
    **dict.fromkeys(("1102", "1201"), "lamp"),
    **dict.fromkeys(("0501", "0502", "0503", "0601", "0106", "0107"), "stall"),
    "0504": "car",
    **dict.fromkeys(("0505", "0406", "0405"), "bikes"),
    **dict.fromkeys(("0201", "0202", "0203", "1401", "1202"), "flyers"),
    **dict.fromkeys(("0101", "0301", "0302", "0304", "1203"), "works"),
    **dict.fromkeys(("1301", "1302"), "tree"),
}
FACADES = [(222, 196, 160), (205, 170, 140), (235, 220, 190), (190, 160, 130), (214, 205, 190)]


def _jitter(rng: random.Random, colour: tuple[int, int, int], spread: int = 18):
    return tuple(max(0, min(255, c + rng.randint(-spread, spread))) for c in colour)


def _sky(draw: ImageDraw.ImageDraw, rng: random.Random):
    overcast = rng.random() < 0.4  # Wuzhou's sky is grey as often as blue
    top = (170, 175, 180) if overcast else (90, 150, 215)
    bottom = (215, 215, 212) if overcast else (190, 215, 235)
    for y in range(HORIZON):
        f = y / HORIZON
        draw.line(
            [(0, y), (WIDTH, y)],
            fill=tuple(round(a + (b - a) * f) for a, b in zip(top, bottom, strict=True)),
        )


def _buildings(draw: ImageDraw.ImageDraw, rng: random.Random):
    x = -rng.randint(0, 40)
    while x < WIDTH:
        width = rng.randint(70, 130)
        top = rng.randint(25, 80)
        facade = _jitter(rng, rng.choice(FACADES))
        draw.rectangle([x, top, x + width, HORIZON], fill=facade)
        draw.rectangle([x, top, x + width, top + 6], fill=_jitter(rng, (150, 120, 100)))
        shade = tuple(c - 45 for c in facade)
        # Upper floors' windows, then the arcade (骑楼) over the pavement.
        for wy in range(top + 14, HORIZON - 50, 22):
            for wx in range(x + 8, x + width - 14, 20):
                lit = rng.random() < 0.15
                draw.rectangle(
                    [wx, wy, wx + 11, wy + 13],
                    fill=(235, 215, 150) if lit else _jitter(rng, (70, 85, 100), 12),
                    outline=shade,
                )
        for ax in range(x, x + width, 26):
            draw.rectangle([ax, HORIZON - 38, ax + 5, HORIZON], fill=shade)
            draw.arc([ax + 4, HORIZON - 50, ax + 27, HORIZON - 26], 180, 360, fill=shade, width=3)
        draw.rectangle([x, HORIZON - 30, x + width, HORIZON], fill=tuple(c - 80 for c in facade))
        x += width + rng.randint(0, 6)


def _street(draw: ImageDraw.ImageDraw, rng: random.Random):
    pavement = _jitter(rng, (165, 160, 150), 10)
    draw.rectangle([0, HORIZON, WIDTH, HORIZON + 45], fill=pavement)
    for px in range(-20, WIDTH, 28):  # paving slabs
        draw.line([(px, HORIZON), (px - 12, HORIZON + 45)], fill=tuple(c - 20 for c in pavement))
    draw.rectangle([0, HORIZON + 45, WIDTH, HORIZON + 50], fill=(200, 200, 195))  # kerb
    road = _jitter(rng, (85, 85, 90), 8)
    draw.rectangle([0, HORIZON + 50, WIDTH, HEIGHT], fill=road)
    for lx in range(rng.randint(-40, 0), WIDTH, 90):  # the centre line
        draw.polygon(
            [(lx, 255), (lx + 50, 255), (lx + 54, 262), (lx + 4, 262)], fill=(225, 225, 215)
        )


def _litter(draw, rng, cx, cy):
    for _ in range(rng.randint(50, 80)):
        x, y = cx + rng.gauss(0, 34), cy + rng.gauss(0, 10)
        w, h = rng.randint(8, 24), rng.randint(6, 16)
        colour = rng.choice(
            [(235, 235, 230), (40, 40, 45), (60, 120, 200), (200, 60, 50), (210, 190, 120)]
        )
        if rng.random() < 0.5:
            draw.ellipse([x, y - h, x + w, y], fill=_jitter(rng, colour, 25), outline=(30, 30, 30))
        else:
            draw.rectangle([x, y - h, x + w, y], fill=_jitter(rng, colour, 25))


def _pothole(draw, rng, cx, cy):
    w, h = rng.randint(60, 110), rng.randint(18, 30)
    draw.ellipse([cx - w, cy - h, cx + w, cy + h], fill=(120, 110, 95))
    draw.ellipse([cx - w + 8, cy - h + 5, cx + w - 6, cy + h - 3], fill=(45, 40, 38))
    for _ in range(6):  # cracks running out of it
        x, y = cx + rng.randint(-w, w), cy + rng.choice([-h, h])
        draw.line([(x, y), (x + rng.randint(-30, 30), y + rng.randint(-8, 8))], fill=(40, 40, 40))


def _puddle(draw, rng, cx, cy):
    w, h = rng.randint(90, 150), rng.randint(20, 32)
    draw.ellipse([cx - w, cy - h, cx + w, cy + h], fill=(120, 135, 150))
    draw.ellipse([cx - w // 2, cy - h // 2, cx + w // 3, cy], fill=(165, 180, 195))


def _lamp(draw, rng, cx, cy):
    x = min(max(cx, 60), WIDTH - 60)
    draw.rectangle([x - 4, 30, x + 4, cy], fill=(70, 80, 75))
    draw.line([(x, 34), (x + 40, 34)], fill=(70, 80, 75), width=5)
    draw.polygon([(x + 28, 34), (x + 56, 34), (x + 50, 46), (x + 34, 46)], fill=(60, 60, 60))
    draw.line([(x + 36, 44), (x + 44, 40), (x + 40, 47)], fill=(200, 200, 200), width=1)


def _stall(draw, rng, cx, cy):
    cloth = rng.choice([(200, 40, 40), (40, 110, 190), (230, 150, 30)])
    draw.rectangle([cx - 55, cy - 35, cx + 55, cy - 28], fill=(120, 90, 60))
    for leg in (cx - 50, cx + 45):
        draw.rectangle([leg, cy - 30, leg + 4, cy], fill=(90, 70, 50))
    draw.line([(cx, cy - 35), (cx, cy - 95)], fill=(80, 80, 80), width=3)
    draw.pieslice([cx - 70, cy - 125, cx + 70, cy - 65], 180, 360, fill=cloth)
    for _ in range(14):  # fruit and vegetables on the table
        x = cx + rng.randint(-50, 44)
        colour = rng.choice([(230, 120, 30), (90, 170, 60), (220, 200, 40), (180, 40, 60)])
        draw.ellipse([x, cy - 45, x + 9, cy - 36], fill=colour)


def _car(draw, rng, cx, cy):
    body = rng.choice([(240, 240, 240), (30, 30, 35), (150, 20, 25), (120, 125, 130)])
    draw.rounded_rectangle([cx - 90, cy - 38, cx + 90, cy], radius=10, fill=body)
    draw.polygon(
        [(cx - 55, cy - 38), (cx - 35, cy - 70), (cx + 40, cy - 70), (cx + 62, cy - 38)], fill=body
    )
    draw.polygon(
        [(cx - 45, cy - 40), (cx - 30, cy - 64), (cx + 35, cy - 64), (cx + 52, cy - 40)],
        fill=(60, 80, 95),
    )
    for wx in (cx - 58, cx + 58):
        draw.ellipse([wx - 16, cy - 16, wx + 16, cy + 16], fill=(25, 25, 25))


def _bikes(draw, rng, cx, cy):
    for n in range(rng.randint(3, 5)):
        x = cx - 80 + n * 38 + rng.randint(-6, 6)
        frame = rng.choice([(30, 120, 200), (220, 200, 40), (230, 90, 40), (40, 40, 40)])
        draw.ellipse([x - 14, cy - 24, x + 10, cy], outline=(20, 20, 20), width=3)
        draw.ellipse([x + 22, cy - 24, x + 46, cy], outline=(20, 20, 20), width=3)
        draw.line([(x - 2, cy - 12), (x + 16, cy - 30), (x + 34, cy - 12)], fill=frame, width=4)


def _flyers(draw, rng, cx, cy):
    for _ in range(rng.randint(12, 22)):
        x, y = rng.randint(10, WIDTH - 40), rng.randint(HORIZON - 70, HORIZON - 8)
        paper = rng.choice([(245, 245, 240), (250, 230, 120), (240, 170, 170)])
        draw.rectangle([x, y, x + rng.randint(14, 24), y + rng.randint(18, 28)], fill=paper)
        draw.line([(x + 3, y + 6), (x + 12, y + 6)], fill=(40, 40, 40))


def _works(draw, rng, cx, cy):
    draw.pieslice([cx - 80, cy - 50, cx + 20, cy + 30], 180, 360, fill=(190, 160, 110))  # sand
    for n in range(3):
        x = cx - 30 + n * 45
        draw.rectangle([x, cy - 40, x + 40, cy - 30], fill=(235, 120, 20))
        draw.rectangle([x + 10, cy - 40, x + 20, cy - 30], fill=(245, 245, 245))
        draw.rectangle([x + 3, cy - 30, x + 7, cy], fill=(80, 80, 80))


def _tree(draw, rng, cx, cy):
    draw.polygon(
        [(cx - 120, cy), (cx + 100, cy - 30), (cx + 104, cy - 18), (cx - 116, cy + 12)],
        fill=(95, 70, 45),
    )
    for _ in range(30):
        x, y = cx + 70 + rng.gauss(0, 30), cy - 30 + rng.gauss(0, 18)
        draw.ellipse([x - 12, y - 10, x + 12, y + 10], fill=_jitter(rng, (60, 120, 50), 25))


def _cone(draw, rng, cx, cy):
    draw.polygon(
        [(cx - 18, cy), (cx + 18, cy), (cx + 4, cy - 55), (cx - 4, cy - 55)], fill=(240, 110, 20)
    )
    draw.rectangle([cx - 10, cy - 35, cx + 10, cy - 28], fill=(245, 245, 245))
    draw.rectangle([cx - 26, cy - 4, cx + 26, cy + 2], fill=(40, 40, 40))


DRAW = {
    "litter": _litter,
    "pothole": _pothole,
    "puddle": _puddle,
    "lamp": _lamp,
    "stall": _stall,
    "car": _car,
    "bikes": _bikes,
    "flyers": _flyers,
    "works": _works,
    "tree": _tree,
    "cone": _cone,
}
# Where in the picture the problem lies: on the pavement, or out on the road.
ON_ROAD = {"pothole", "puddle", "car"}


def _finish(image: Image.Image, rng: random.Random) -> bytes:
    """A camera's softness and grain, then the JPEG."""
    image = image.filter(ImageFilter.BoxBlur(1))
    grain = Image.frombytes("L", image.size, rng.randbytes(WIDTH * HEIGHT)).convert("RGB")
    image = Image.blend(image, grain, GRAIN)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()


def street_scene(category_code: str, rng: random.Random) -> bytes:
    """A JPEG street scene showing the problem of the grid case class `category_code`."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _sky(draw, rng)
    _buildings(draw, rng)
    _street(draw, rng)
    subject = SUBJECTS.get(category_code, "cone")
    cx = rng.randint(130, WIDTH - 130)
    cy = rng.randint(230, 270) if subject in ON_ROAD else rng.randint(HORIZON + 30, HORIZON + 44)
    DRAW[subject](draw, rng, cx, cy)
    return _finish(image, rng)


def room_scene(rng: random.Random) -> bytes:
    """A JPEG of a resident's room with the wish's gift on the table (a wish fulfilled)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _jitter(rng, (225, 220, 205)))
    draw = ImageDraw.Draw(image)
    floor = 200
    draw.rectangle([0, floor, WIDTH, HEIGHT], fill=_jitter(rng, (150, 110, 75)))
    for fx in range(0, WIDTH, 50):  # floor tiles
        draw.line([(fx, floor), (fx - 30, HEIGHT)], fill=(120, 85, 55))
    wx = rng.randint(30, 220)
    draw.rectangle([wx, 40, wx + 120, 140], fill=(160, 200, 230), outline=(240, 240, 240), width=6)
    draw.line([(wx + 60, 40), (wx + 60, 140)], fill=(240, 240, 240), width=4)
    draw.rectangle([wx - 10, 35, wx + 15, 150], fill=_jitter(rng, (180, 60, 60)))  # curtain
    tx = rng.randint(90, 200)
    draw.rectangle([tx, 190, tx + 160, 200], fill=(110, 75, 45))
    draw.rectangle([tx + 10, 200, tx + 18, 260], fill=(95, 65, 40))
    draw.rectangle([tx + 142, 200, tx + 150, 260], fill=(95, 65, 40))
    box = rng.choice([(200, 40, 40), (230, 170, 40), (60, 120, 190)])
    bx = tx + rng.randint(20, 80)
    draw.rectangle([bx, 140, bx + 60, 190], fill=box)
    draw.rectangle([bx + 26, 140, bx + 34, 190], fill=(240, 210, 90))  # ribbon
    draw.rectangle([bx, 160, bx + 60, 167], fill=(240, 210, 90))
    draw.ellipse([bx + 70, 165, bx + 90, 190], fill=(240, 240, 235))  # a cup
    return _finish(image, rng)


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


# -- the photos shown with venues, showcases and red-culture sites (demo.gallery) ---------------


def _people(draw, rng, y, *, count, spread=(20, WIDTH - 20), size=1.0):
    """A crowd seen from behind: heads and shoulders along `y`."""
    for _ in range(count):
        x = rng.randint(*spread)
        h = round(rng.randint(22, 30) * size)
        coat = _jitter(
            rng, rng.choice([(60, 70, 90), (150, 40, 40), (220, 220, 215), (90, 110, 70)])
        )
        draw.rounded_rectangle([x - h // 3, y - h, x + h // 3, y], radius=4, fill=coat)
        draw.ellipse([x - h // 5, y - h - h // 3, x + h // 5, y - h + 2], fill=(40, 30, 25))


def _room(draw, rng, wall):
    """Four walls, a tiled floor, windows on the left: a community room."""
    floor = 190
    draw.rectangle([0, 0, WIDTH, floor], fill=_jitter(rng, wall))
    draw.rectangle([0, floor, WIDTH, HEIGHT], fill=_jitter(rng, (190, 175, 150)))
    for fx in range(-40, WIDTH + 40, 44):
        draw.line([(fx, floor), (fx + (fx - WIDTH / 2) * 0.6, HEIGHT)], fill=(160, 145, 120))
    for wx in (20, 95):
        draw.rectangle(
            [wx, 40, wx + 55, 130], fill=(175, 205, 230), outline=(245, 245, 245), width=4
        )
    return floor


def _banner(draw, rng, x0, y0, x1, y1):
    """A red banner with a line of light 'characters' (blocks), as over every community stage."""
    draw.rectangle([x0, y0, x1, y1], fill=_jitter(rng, (190, 30, 30), 10))
    step = max(10, (x1 - x0) // 12)
    for cx in range(x0 + step // 2, x1 - step // 2, step):
        draw.rectangle([cx, y0 + 4, cx + step - 6, y1 - 4], fill=(245, 215, 120))


def venue_scene(kind: str, rng: random.Random) -> bytes:
    """A JPEG of a venue of `kind` (places.Venue.Kind's values): a square with its small stage,
    else a community room with its banner, screen and rows of chairs."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    if kind == "square":
        _sky(draw, rng)
        _buildings(draw, rng)
        draw.rectangle([0, HORIZON, WIDTH, HEIGHT], fill=_jitter(rng, (185, 175, 160), 8))
        for px in range(-60, WIDTH + 60, 36):
            draw.line([(px, HORIZON), (px + (px - WIDTH / 2) * 0.8, HEIGHT)], fill=(160, 150, 135))
        sx = rng.randint(120, 200)
        draw.rectangle([sx, HORIZON - 10, sx + 150, HORIZON + 25], fill=(120, 90, 70))
        _banner(draw, rng, sx + 5, HORIZON - 70, sx + 145, HORIZON - 45)
        _people(draw, rng, HEIGHT - 30, count=rng.randint(10, 18), size=1.3)
        return _finish(image, rng)
    floor = _room(draw, rng, rng.choice([(230, 225, 210), (220, 230, 225), (235, 228, 215)]))
    _banner(draw, rng, 170, 25, 380, 55)
    draw.rectangle([215, 65, 335, 140], fill=(245, 245, 245), outline=(80, 80, 80), width=2)
    for row, y in enumerate(range(floor + 15, HEIGHT - 10, 28)):
        for x in range(150 - row * 12, WIDTH - 10, 34 + row * 3):
            seat = _jitter(rng, (170, 40, 40) if kind != "library" else (90, 110, 150), 10)
            draw.rectangle([x, y - 16, x + 18 + row * 2, y], fill=seat)
            draw.rectangle([x, y - 26, x + 18 + row * 2, y - 16], fill=tuple(c - 30 for c in seat))
    if kind == "library":
        for bx in range(20, 150, 26):  # shelves instead of the windows' light
            draw.rectangle([bx, 30, bx + 22, floor], fill=(120, 85, 55))
            for by in range(36, floor - 10, 18):
                draw.rectangle([bx + 3, by, bx + 19, by + 14], fill=_jitter(rng, (150, 60, 50), 60))
    return _finish(image, rng)


def showcase_scene(category: str, rng: random.Random) -> bytes:
    """A JPEG of a showcase of `category` (culture.Showcase.Category's values): readers round a
    table among the shelves, or a performance on a stage before an audience."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    if category == "reading":
        floor = _room(draw, rng, (235, 228, 215))
        for bx in range(180, WIDTH - 10, 28):
            draw.rectangle([bx, 20, bx + 24, floor], fill=(120, 85, 55))
            for by in range(26, floor - 10, 20):
                draw.rectangle([bx + 3, by, bx + 21, by + 16], fill=_jitter(rng, (120, 90, 70), 70))
        draw.ellipse([90, floor - 5, 330, floor + 55], fill=(150, 105, 65))
        _people(draw, rng, floor + 8, count=6, spread=(100, 320), size=1.4)
        for bx in range(130, 300, 45):  # open books on the table
            draw.rectangle([bx, floor + 20, bx + 24, floor + 30], fill=(245, 245, 240))
        return _finish(image, rng)
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=(35, 30, 40))
    draw.rectangle([30, 30, WIDTH - 30, 200], fill=_jitter(rng, (150, 20, 30), 12))
    for cx in range(30, WIDTH - 30, 18):  # the curtain's folds
        draw.line([(cx, 30), (cx, 200)], fill=(110, 10, 20), width=3)
    _banner(draw, rng, 80, 36, WIDTH - 80, 62)
    draw.rectangle([0, 200, WIDTH, 222], fill=(140, 100, 60))
    for n in range(rng.randint(3, 6)):  # performers in festival colours
        x = 80 + n * 50 + rng.randint(-8, 8)
        dress = rng.choice([(230, 60, 60), (240, 200, 60), (60, 160, 200), (240, 240, 240)])
        draw.polygon([(x - 14, 200), (x + 14, 200), (x + 6, 140), (x - 6, 140)], fill=dress)
        draw.ellipse([x - 8, 122, x + 8, 140], fill=(230, 190, 160))
        if category == "festival":
            draw.ellipse([x + 10, 110, x + 26, 130], fill=(250, 80, 40))  # a lantern
    _people(draw, rng, HEIGHT - 10, count=24, size=1.5)
    return _finish(image, rng)


def site_scene(kind: str, rng: random.Random) -> bytes:
    """A JPEG of a red-culture site of `kind` (redculture.Site.Kind's values): a memorial's
    obelisk with its star, a mural's red panels on a wall, history boards on their posts, or
    an old arcaded building with its plaque and flag."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _sky(draw, rng)
    if kind in ("memorial", "landmark"):
        draw.rectangle([0, HORIZON, WIDTH, 200], fill=_jitter(rng, (95, 145, 80), 12))  # lawn
        draw.rectangle([0, 200, WIDTH, HEIGHT], fill=_jitter(rng, (150, 150, 145), 8))
        for tx in (30, 90, 310, 370):  # trees beside it
            draw.ellipse([tx - 35, 90, tx + 35, 200], fill=_jitter(rng, (55, 110, 55), 20))
        cx = WIDTH // 2 + rng.randint(-20, 20)
        draw.rectangle([cx - 70, 190, cx + 70, 215], fill=(200, 195, 185))
        draw.polygon(
            [(cx - 22, 190), (cx + 22, 190), (cx + 10, 40), (cx - 10, 40)], fill=(225, 220, 210)
        )
        draw.polygon([(cx - 10, 40), (cx + 10, 40), (cx, 20)], fill=(225, 220, 210))
        draw.regular_polygon((cx, 70, 10), 5, fill=(200, 30, 30))
        _people(draw, rng, 260, count=rng.randint(3, 7), size=1.2)
        return _finish(image, rng)
    _buildings(draw, rng)
    _street(draw, rng)
    if kind == "mural":
        draw.rectangle([40, 60, WIDTH - 40, HORIZON - 5], fill=(235, 225, 205))
        for px in range(50, WIDTH - 60, 62):
            draw.rectangle([px, 70, px + 54, HORIZON - 15], fill=_jitter(rng, (185, 35, 35), 20))
            draw.regular_polygon((px + 27, 95, 9), 5, fill=(245, 205, 60))
            draw.rectangle([px + 8, 115, px + 46, 120], fill=(245, 230, 200))
    elif kind == "history_board":
        for bx in range(50, WIDTH - 90, 110):
            draw.rectangle([bx + 8, 150, bx + 14, 195], fill=(70, 70, 70))
            draw.rectangle([bx + 76, 150, bx + 82, 195], fill=(70, 70, 70))
            draw.rectangle([bx, 95, bx + 90, 152], fill=(170, 25, 25))
            for ly in range(105, 145, 9):
                draw.line([(bx + 8, ly), (bx + 82, ly)], fill=(245, 230, 200), width=2)
    else:  # a former site or residence: its plaque and a flag
        px = rng.randint(60, WIDTH - 120)
        draw.rectangle([px, 95, px + 60, 125], fill=(235, 235, 230), outline=(120, 120, 120))
        for ly in range(101, 122, 6):
            draw.line([(px + 6, ly), (px + 54, ly)], fill=(60, 60, 60))
        draw.line([(px + 90, 130), (px + 90, 40)], fill=(90, 90, 90), width=3)
        draw.rectangle([px + 91, 42, px + 131, 68], fill=(210, 25, 25))
        draw.regular_polygon((px + 100, 51, 5), 5, fill=(250, 220, 60))
    _people(draw, rng, HORIZON + 40, count=rng.randint(2, 5))
    return _finish(image, rng)
