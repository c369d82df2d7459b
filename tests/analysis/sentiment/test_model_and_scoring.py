"""Labels, text preparation, metrics, fine-tuning and the scorer, with tiny models."""

from __future__ import annotations

import pytest

from analysis.sentiment.labels import map_model_labels, normalise_label, parse_label_map
from analysis.sentiment.metrics import classification_metrics
from analysis.sentiment.model import LoadedModel, default_backbone, load_model
from analysis.sentiment.scoring import score_texts
from analysis.sentiment.textprep import prepare_text
from analysis.sentiment.training import Example, TrainingConfig, fine_tune, read_labeled_file
from loaders.errors import ModelError, TrainingDataError
from tests.conftest import TINY_EXAMPLES


def test_hub_label_names_map_onto_ours():
    assert map_model_labels({0: "negative", 1: "neutral", 2: "positive"}) == [
        "negative",
        "neutral",
        "positive",
    ]
    assert map_model_labels({0: "NEGATIVE", 1: "POSITIVE"}) == ["negative", "positive"]
    assert map_model_labels({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}) == [
        "negative",
        "neutral",
        "positive",
    ]
    stars = {i: f"{i + 1} star{'s' if i else ''}" for i in range(5)}
    assert map_model_labels(stars) == ["negative", "negative", "neutral", "positive", "positive"]
    assert map_model_labels({0: "bad", 1: "meh", 2: "good"}, {"meh": "neutral"}) == [
        "negative",
        "neutral",
        "positive",
    ]
    with pytest.raises(ModelError, match="Found joy, anger"):
        map_model_labels({0: "joy", 1: "anger"})
    assert normalise_label(" Positive ") == "positive"
    assert parse_label_map("LABEL_0=negative, LABEL_1=positive") == {
        "LABEL_0": "negative",
        "LABEL_1": "positive",
    }
    with pytest.raises(ModelError, match="NAME=negative"):
        parse_label_map("LABEL_0=bad")


def test_prepare_text_turns_emojis_links_and_handles_into_words():
    assert prepare_text("@Glacio  it leaks 😡 https://t.co/x1") == "@user it leaks angry http"
    assert prepare_text("love it😍") == "love it love"


def test_metrics_on_a_known_confusion():
    gold = ["negative", "negative", "neutral", "positive", "positive", "positive"]
    pred = ["negative", "neutral", "neutral", "positive", "positive", "negative"]
    m = classification_metrics(gold, pred, ["negative", "neutral", "positive"])
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["confusion"] == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert m["per_class"]["negative"]["recall"] == pytest.approx(0.5)
    assert m["per_class"]["neutral"]["precision"] == pytest.approx(0.5)
    assert m["macro_recall"] == pytest.approx((0.5 + 1 + 2 / 3) / 3)
    f1_neg, f1_neu, f1_pos = 0.5, 2 / 3, 0.8
    assert m["macro_f1"] == pytest.approx((f1_neg + f1_neu + f1_pos) / 3)


def test_read_labeled_files(tmp_path):
    three = tmp_path / "three.csv"
    three.write_text(
        "text,label\ngood,positive\nmeh,neutral\n,negative\nbad,angry\nawful,negative\n"
    )
    data = read_labeled_file(three)
    assert [(e.text, e.label, e.two_class) for e in data.examples] == [
        ("good", "positive", False),
        ("meh", "neutral", False),
        ("awful", "negative", False),
    ]
    assert data.skipped == {"empty text": 1, "unknown label": 1}

    numeric = tmp_path / "sst.tsv"
    numeric.write_text("sentence\tlabel\nfine film\t1\ndull film\t0\n")
    assert [(e.label, e.two_class) for e in read_labeled_file(numeric).examples] == [
        ("positive", True),
        ("negative", True),
    ]

    rated = tmp_path / "reviews.csv"
    rated.write_text("reviews.text,reviews.rating\nlove it,5\nok,3\nbroke,1\nno stars,\n")
    data = read_labeled_file(rated, label_from_rating=True)
    assert [e.label for e in data.examples] == ["positive", "neutral", "negative"]
    assert data.skipped == {"unknown rating": 1}

    with pytest.raises(TrainingDataError, match="has no column 'body'.*Found columns text, label"):
        read_labeled_file(three, text_col="body")
    with pytest.raises(TrainingDataError, match="no label column"):
        read_labeled_file(rated)


def test_fine_tune_trains_the_whole_encoder(tiny_base):
    import torch

    from analysis.sentiment.model import new_classifier

    _, fresh = new_classifier(str(tiny_base))
    examples = [Example(t, label) for t, label in TINY_EXAMPLES]
    net, _, log = fine_tune(
        examples, str(tiny_base), TrainingConfig(max_steps=3, batch_size=4, learning_rate=1e-3)
    )
    assert log["steps"] == 3 and log["examples"] == 12
    before = dict(fresh.encoder.named_parameters())
    changed = [
        name
        for name, p in net.encoder.named_parameters()
        if not torch.equal(p.detach(), before[name].detach())
    ]
    assert any("layer.0." in name for name in changed)  # lowest layer too: not a frozen encoder
    assert any("embeddings" in name for name in changed)


def test_two_class_examples_do_not_train_the_neutral_output(tiny_base):
    import torch

    from analysis.sentiment.model import new_classifier

    config = TrainingConfig(max_steps=2, batch_size=8, learning_rate=1e-2, weight_decay=0.0)
    torch.manual_seed(config.seed)  # fine_tune seeds the same way before building the head
    _, start = new_classifier(str(tiny_base))
    examples = [Example("good", "positive", True), Example("bad", "negative", True)] * 4
    net, _, _ = fine_tune(examples, str(tiny_base), config)
    moved = (net.head.weight.detach() - start.head.weight.detach()).abs().sum(dim=1)
    assert moved[1] == 0  # the neutral row gets no gradient from two-class data
    assert moved[0] > 0 and moved[2] > 0

    mixed = [*examples, Example("the store opens at 9", "neutral")]
    net, _, _ = fine_tune(mixed, str(tiny_base), config)
    assert (net.head.weight.detach() - start.head.weight.detach()).abs().sum(dim=1)[1] > 0


class _KeywordNet:
    """A stand-in classifier: 'great' tokens push positive, 'awful' tokens negative."""

    def __init__(self, tokenizer):
        self.great = tokenizer.convert_tokens_to_ids("great")
        self.awful = tokenizer.convert_tokens_to_ids("awful")
        self.rows = 0
        self.batch_lengths: list[int] = []

    def __call__(self, input_ids, attention_mask, **_):
        import torch

        self.rows += input_ids.shape[0]
        self.batch_lengths.append(input_ids.shape[1])
        great = (input_ids == self.great).sum(1).float()
        awful = (input_ids == self.awful).sum(1).float()
        return torch.stack([awful * 4, torch.ones_like(great), great * 4], dim=1)


@pytest.fixture
def keyword_model():
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(default_backbone())
    return LoadedModel(
        source="keywords",
        kind="brandpulse",
        tokenizer=tokenizer,
        net=_KeywordNet(tokenizer),
        output_labels=["negative", "neutral", "positive"],
        window_tokens=16,
        meta={},
    )


def test_long_text_is_scored_in_windows_not_truncated(keyword_model):
    filler = "the bottle came in a box " * 5  # 30 tokens: three 14-token windows
    plain, tail_only, both = score_texts(
        keyword_model, [filler, filler + "awful", "great " + filler + "awful"]
    )
    # Truncating to the first window would score the tail-only text like the plain filler.
    assert tail_only.p_negative > plain.p_negative + 0.1
    assert both.p_negative > plain.p_negative + 0.1 and both.p_positive > plain.p_positive + 0.1
    assert keyword_model.net.rows == 3 * 3


def test_identical_texts_scored_once_and_batches_sorted_by_length(keyword_model):
    texts = [
        "great",
        "so great great",
        "great",
        "awful",
        "great",
        "a much longer text that is neutral",
    ]
    predictions = score_texts(keyword_model, texts, batch_size=2)
    assert [p.label for p in predictions] == [
        "positive",
        "positive",
        "positive",
        "negative",
        "positive",
        "neutral",
    ]
    assert keyword_model.net.rows == 4  # 'great' three times but scored once
    assert keyword_model.net.batch_lengths == sorted(keyword_model.net.batch_lengths)
    p = predictions[0]
    assert p.p_negative + p.p_neutral + p.p_positive == pytest.approx(1.0)
    assert p.score == pytest.approx(p.p_positive - p.p_negative)


def test_tiny_model_round_trip_and_quantized_scores(tiny_model):
    model = load_model(tiny_model)
    assert model.kind == "brandpulse" and model.window_tokens == 64
    texts = [t for t, _ in TINY_EXAMPLES]
    plain = score_texts(model, texts)
    quantized = score_texts(load_model(tiny_model, quantize=True), texts)
    for a, b in zip(plain, quantized, strict=True):
        assert a.p_positive == pytest.approx(b.p_positive, abs=0.05)


def test_unknown_model_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="Cannot load the model 'nobody/no-such-model'") as error:
        load_model("nobody/no-such-model")
    assert "\n" not in str(error.value)
    with pytest.raises(ModelError, match="not a sequence-classification model"):
        load_model(default_backbone())
