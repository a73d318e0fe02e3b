"""The tokenizer playground: controls drive update(), which redraws in place and explains bad input."""
import matplotlib.pyplot as plt
import pytest

from helpers.built.text_to_ids import encode
from helpers.widgets.tokenizer_playground import DEFAULT_TEXT, TokenizerPlayground, tokens_html


def test_default_state_shows_tokens_ids_and_count():
    playground = TokenizerPlayground()
    html = playground.output.value
    ids = encode(DEFAULT_TEXT, allowed_special={"<|endoftext|>"})
    assert f"<b>{len(ids)} tokens</b> for {len(DEFAULT_TEXT)} characters" in html
    assert "␣love<br><small>1842</small>" in html and "<small>50256</small>" in html
    assert set(playground.controls) == {"text", "allow_endoftext"}


def test_update_redraws_the_same_widget_and_moves_the_controls():
    playground = TokenizerPlayground()
    output = playground.output
    playground.update(text="I love LLMs")
    assert playground.output is output and playground.controls["text"].value == "I love LLMs"
    assert "<b>4 tokens</b>" in output.value


def test_typing_in_the_control_updates_the_output():
    playground = TokenizerPlayground()
    playground.controls["text"].value = "hello world"
    assert "<b>2 tokens</b>" in playground.output.value


def test_bad_input_shows_the_explanation_and_the_checkbox_fixes_it():
    playground = TokenizerPlayground(allow_endoftext=False)
    playground.update(text="")
    assert "The text is empty" in playground.output.value
    playground.update(text="a<|endoftext|>b")
    assert "allowed_special" in playground.output.value
    playground.update(allow_endoftext=True)
    assert "<b>3 tokens</b>" in playground.output.value and "50256" in playground.output.value


def test_unknown_control_is_refused():
    with pytest.raises(ValueError, match="Unknown control"):
        TokenizerPlayground().update(colour="red")


def test_html_escapes_token_text():
    assert "&lt;b&gt;" in tokens_html(["<b>"], [27], 3)


def test_static_picture_has_one_box_per_token():
    ax = TokenizerPlayground("I love LLMs").draw()
    assert len(ax.patches) == 4 and "4 tokens" in ax.get_title()
    plt.close("all")
