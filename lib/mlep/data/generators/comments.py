"""Video comments, spam or not, for weak supervision (the labeling lab).

In the style of the YouTube Spam Collection (Alberto et al. 2015) used by Snorkel's tutorial.
Some ham reuses spam words ("check out", "subscribe") and some spam has none, so keyword rules
are useful but imperfect: weak supervision.
"""

from __future__ import annotations

from mlep.data.generators.common import seeded_rng

__all__ = ["COMMENT_FILLERS", "COMMENT_TEMPLATES", "video_comments"]

COMMENT_TEMPLATES = {
    1: [
        "check out my channel {for_}",
        "subscribe to my channel {for_}",
        "please subscribe, i upload {thing} every week",
        "visit {url} for {prize}",
        "go to {url} and get {prize}",
        "{prize} giveaway, click {url}",
        "win {prize} now at {url}",
        "make money from home, i earn {money} a day {url}",
        "i make {money} a week working online, ask me how",
        "hey guys i just started making {thing}, would mean a lot if you listened",
        "new {thing} on my page, give it a chance",
        "follow me on {social} for {prize}",
        "free {prize} for the first 100 people {url}",
    ],
    0: [
        "i love this song",
        "this song never gets old",
        "who is still listening in {year}",
        "the part at {time} gives me chills",
        "check out the lyrics, they are beautiful",
        "subscribed to this channel years ago and still love it",
        "great video, the {part} is amazing",
        "her voice is incredible",
        "{year} and this is still a masterpiece",
        "this reminds me of {memory}",
        "best music video ever made",
        "the {part} at {time} is my favourite",
        "listening to this while {activity}",
        "i can't stop playing this song",
    ],
}
COMMENT_FILLERS = {
    "for_": ["for more videos", "if you like music", "you won't regret it", "thanks", ""],
    "thing": ["music", "beats", "covers", "game videos", "rap songs"],
    "url": ["http://bit.ly/xk2", "www.freegift.com", "http://tinyurl.com/win", "www.easycash.net"],
    "prize": ["gift cards", "an iphone", "free coins", "a free trip", "robux"],
    "money": ["$500", "$300", "$1000"],
    "social": ["instagram", "twitter", "tiktok"],
    "year": ["2019", "2021", "2024", "2026"],
    "time": ["1:23", "2:31", "3:05", "0:45"],
    "part": ["chorus", "dance", "ending", "guitar solo", "bridge"],
    "memory": ["my childhood", "summer 2015", "my first concert", "high school"],
    "activity": ["studying", "driving", "cooking", "running"],
}


def _comment(rng, label: int) -> str:
    template = COMMENT_TEMPLATES[label][rng.integers(len(COMMENT_TEMPLATES[label]))]
    text = template.format_map(
        {key: values[rng.integers(len(values))] for key, values in COMMENT_FILLERS.items()}
    ).strip()
    if rng.random() < 0.25:
        text = ["lol ", "omg ", "wow ", "ok "][rng.integers(4)] + text
    if rng.random() < (0.3 if label else 0.05):
        text = text.upper()
    if rng.random() < (0.4 if label else 0.1):
        text += " !!!"
    if label == 0 and rng.random() < 0.15:
        text += " <3"
    return text


def _comments(rng, n: int, spam_rate: float):
    import pandas as pd

    labels = (rng.random(n) < spam_rate).astype(int)
    return pd.DataFrame(
        {
            "author_id": rng.integers(10_000, 99_999, n),
            "text": [_comment(rng, label) for label in labels],
            "label": labels,
        }
    )


def video_comments(seed: int = 2026, *, rows=(1600, 200, 400)):
    """Train (unlabeled), dev and test splits of spam / not-spam video comments.

    ``label`` is 1 for spam and 0 for ham; the train split has no label column, as in
    weak supervision, where labels come from labeling functions instead.

    Parameters
    ----------
    seed : int, default 2026
        The random seed (an integer ``>= 0``); the shipped CSVs use the datasheet's.
    rows : tuple of int, default (1600, 200, 400)
        Rows of the train, dev and test splits.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"train": ..., "dev": ..., "test": ...}`` with ``author_id``, ``text`` and (dev and
        test only) ``label``.

    Examples
    --------
    >>> splits = video_comments(1, rows=(8, 4, 4))
    >>> list(splits["train"].columns), list(splits["dev"].columns)
    (['author_id', 'text'], ['author_id', 'text', 'label'])
    """
    rng = seeded_rng(seed)
    train_n, dev_n, test_n = rows
    return {
        "train": _comments(rng, train_n, 0.45).drop(columns=["label"]),
        "dev": _comments(rng, dev_n, 0.45),
        "test": _comments(rng, test_n, 0.45),
    }
