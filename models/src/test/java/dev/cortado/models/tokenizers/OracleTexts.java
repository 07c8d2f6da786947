package dev.cortado.models.tokenizers;

import java.util.ArrayList;
import java.util.List;

/** The varied inputs on which both tokenizers are compared with Hugging Face's. */
final class OracleTexts {

    private OracleTexts() {
    }

    static List<String> all() {
        List<String> texts = new ArrayList<>(List.of(
                "",
                " ",
                "Hello, world!",
                "The quick brown fox jumps over the lazy dog.",
                "HELLO hello HeLLo hElLo",
                "naïve café résumé coöperate",
                "Crème brûlée à la française",
                "Ångström Øresund Straße œuvre",
                "Iñtërnâtiônàlizætiøn",
                "combining e\u0301 a\u0300 n\u0303 o\u0308",
                "1234567890 007 3.14159 2,718 1e-10 -42",
                "$100.00 + 50% = ? #1 @home ^caret ~tilde `tick` |pipe|",
                "price: €45, £30, ¥2000, ₹99",
                "emoji 😀😃😄 🎉🚀 ❤️ ✨",
                "family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵 skin 👍🏽",
                "newer emoji 🥰 🫠 🪿",
                "你好，世界！",
                "日本語のテキストです。カタカナ",
                "한국어 텍스트입니다",
                "中文English混合123測試",
                "Ελληνικά ΟΔΟΣ Σίσυφος",
                "Русский текст, ЁЛКА",
                "العربية نص",
                "עברית",
                "हिन्दी पाठ",
                "ภาษาไทย",
                "tabs\tand\nnewlines\r\nand  multiple   spaces",
                "\u00a0non\u2003breaking\u3000spaces\u2028line\u2029para\u0085nel",
                "control\u0000chars\u0001here\u0007\u001b[0m\u000bvt\u000cff",
                "zero\u200bwidth\u200djoiner\ufeffbom\u00adsoft",
                "replacement \ufffd char",
                "private use \ue000 here",
                "a".repeat(99) + " " + "b".repeat(100) + " " + "c".repeat(101),
                "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
                "antidisestablishmentarianism".repeat(5),
                "don't won't it's we're they've I'm you'll he'd DON'T",
                "\"quoted\" 'single' «guillemets» „German“ ‘curly’",
                "em—dash en–dash - hyphen … ellipsis ¿qué? ¡sí!",
                "under_score snake_case kebab-case CamelCase",
                "C++ C# F# .NET node.js",
                "user@example.com https://example.com/path?q=1&r=2#frag",
                "<html><body class=\"x\">tag</body></html>",
                "[CLS] literal special [SEP] [MASK] tokens [PAD] [UNK]",
                "<|startoftext|>literal<|endoftext|> specials <|STARTOFTEXT|>",
                "math: ∑ ∫ √ ∞ ≠ ≤ ≥ ± × ÷ ½",
                "fullwidth ＡＢＣ１２３！ ligatures ﬁ ﬂ",
                "ǅ Dž titlecase İstanbul ß ẞ",
                "astral 𝕳𝖊𝖑𝖑𝖔 𝟙𝟚𝟛 𝄞",
                "CJK ext 𠀀𠀁 㐀 豈 𫠠 𬺰 a𫠠b c𬺰d e豈f g㐀h",
                "   leading and trailing   ",
                "!!!???...,,,;;;",
                "'''s''t 're've",
                "a.b,c;d:e/f\\g",
                "x1y2z3 10k 4th 2nd"));
        texts.add("A photo of a cat sitting on a mat. ".repeat(12));
        return texts;
    }
}
