package dev.jgrad.finetune.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessorTest {
    @Test
    void eachStep() {
        assertEquals("ABC fi 1", TextStep.NFKC.apply("\uFF21\uFF22\uFF23 \uFB01 \u2460"));
        assertEquals("istanbul ǆ", TextStep.LOWERCASE.apply("ISTANBUL ǅ"));
        assertEquals(" Hi  there   ", TextStep.STRIP_HTML.apply("<p>Hi <b>there</b><script>x<y</script></p>"));
        assertEquals("see   now", TextStep.STRIP_URLS.apply("see http://a.b/c?d=1 now"));
        assertEquals("go   and  ", TextStep.STRIP_URLS.apply("go www.x.org/y and http://21377@www.top.com/app"));
        assertEquals("mail   today", TextStep.STRIP_EMAILS.apply("mail john.doe+x@mail.example.com today"));
        assertEquals("a b c", TextStep.COLLAPSE_WHITESPACE.apply("  a\t\u00A0b\n\n c "));
        assertEquals("quick brown fox, lazy dog.",
                TextStep.REMOVE_STOPWORDS.apply("The quick brown fox, and the lazy dog."));
        assertEquals("cat run, connect! 42", TextStep.PORTER_STEM.apply("Cats running, connected! 42"));
    }

    @Test
    void pipelineComposesInOrderAndRoundTrips(@TempDir Path dir) throws IOException {
        Preprocessor p = Preprocessor.of(TextStep.NFKC, TextStep.STRIP_HTML, TextStep.STRIP_URLS,
                TextStep.STRIP_EMAILS, TextStep.LOWERCASE, TextStep.COLLAPSE_WHITESPACE);
        assertEquals("visit or write", p.apply("<b>Visit</b> https://x.io or write a@b.co"));
        Path file = dir.resolve("preprocessing.json");
        p.save(file);
        Preprocessor loaded = Preprocessor.load(file);
        assertEquals(p, loaded);
        assertEquals(List.of("nfkc", "strip_html", "strip_urls", "strip_emails", "lowercase", "collapse_whitespace"),
                loaded.ids());
        assertThrows(IllegalArgumentException.class, () -> Preprocessor.fromIds(List.of("uppercase")));
    }

    @Test
    void porterStemmerMatchesReferenceVocabulary() {
        String[][] pairs = {
            {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "ti"}, {"caress", "caress"}, {"cats", "cat"},
            {"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"}, {"bled", "bled"},
            {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"}, {"troubled", "troubl"},
            {"sized", "size"}, {"hopping", "hop"}, {"tanned", "tan"}, {"falling", "fall"}, {"hissing", "hiss"},
            {"fizzed", "fizz"}, {"failing", "fail"}, {"filing", "file"}, {"happy", "happi"}, {"sky", "sky"},
            {"relational", "relat"}, {"conditional", "condit"}, {"rational", "ration"}, {"valenci", "valenc"},
            {"hesitanci", "hesit"}, {"digitizer", "digit"}, {"conformabli", "conform"}, {"radicalli", "radic"},
            {"differentli", "differ"}, {"vileli", "vile"}, {"analogousli", "analog"}, {"vietnamization", "vietnam"},
            {"predication", "predic"}, {"operator", "oper"}, {"feudalism", "feudal"}, {"decisiveness", "decis"},
            {"hopefulness", "hope"}, {"callousness", "callous"}, {"formaliti", "formal"}, {"sensitiviti", "sensit"},
            {"sensibiliti", "sensibl"}, {"triplicate", "triplic"}, {"formative", "form"}, {"formalize", "formal"},
            {"electriciti", "electr"}, {"electrical", "electr"}, {"hopeful", "hope"}, {"goodness", "good"},
            {"revival", "reviv"}, {"allowance", "allow"}, {"inference", "infer"}, {"airliner", "airlin"},
            {"gyroscopic", "gyroscop"}, {"adjustable", "adjust"}, {"defensible", "defens"}, {"irritant", "irrit"},
            {"replacement", "replac"}, {"adjustment", "adjust"}, {"dependent", "depend"}, {"adoption", "adopt"},
            {"homologou", "homolog"}, {"communism", "commun"}, {"activate", "activ"}, {"angulariti", "angular"},
            {"homologous", "homolog"}, {"effective", "effect"}, {"bowdlerize", "bowdler"}, {"probate", "probat"},
            {"rate", "rate"}, {"cease", "ceas"}, {"controll", "control"}, {"roll", "roll"}, {"generalizations", "gener"},
            {"oscillators", "oscil"}, {"lion", "lion"}, {"a", "a"}, {"is", "is"}, {"analogy", "analog"},
        };
        for (String[] p : pairs) {
            assertEquals(p[1], PorterStemmer.stem(p[0]), p[0]);
        }
    }

    @Test
    void datasetRowsArePreprocessedKeepingLabelsAndLines() {
        Dataset d = new Dataset(Path.of("x.csv"), List.of(new Example("A  B", "C\tD", "y", 7)));
        Example e = Preprocessor.of(TextStep.LOWERCASE, TextStep.COLLAPSE_WHITESPACE).apply(d).examples().get(0);
        assertEquals(new Example("a b", "c d", "y", 7), e);
    }
}
