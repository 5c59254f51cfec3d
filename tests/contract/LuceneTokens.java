import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The tokens Lucene's own analysis chains produce, for tests/contract/test_lucene_oracle.py.
 *
 * Reads tab-separated commands from stdin (factory parameters follow as key, value, key, value):
 *   chain NAME                      start a CustomAnalyzer
 *   char NAME FACTORY [k v]...      add a char filter (Lucene SPI name)
 *   tokenizer NAME FACTORY [k v]... set the tokenizer
 *   filter NAME FACTORY [k v]...    add a token filter
 *   analyze NAME ID TEXT            prints: tokens ID TOKEN...
 *   stopwords                       prints: stopwords WORD... (EnglishAnalyzer's set)
 * Files named by parameters (stop word lists) are read from the directory given as args[0].
 */
public final class LuceneTokens {
    public static void main(String[] args) throws Exception {
        Path config = Paths.get(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        Map<String, CustomAnalyzer.Builder> builders = new HashMap<>();
        Map<String, Analyzer> analyzers = new HashMap<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "chain":
                    builders.put(f[1], CustomAnalyzer.builder(config));
                    break;
                case "char":
                    builders.get(f[1]).addCharFilter(f[2], params(f));
                    break;
                case "tokenizer":
                    builders.get(f[1]).withTokenizer(f[2], params(f));
                    break;
                case "filter":
                    builders.get(f[1]).addTokenFilter(f[2], params(f));
                    break;
                case "analyze": {
                    Analyzer analyzer = analyzers.get(f[1]);
                    if (analyzer == null) {
                        analyzer = builders.get(f[1]).build();
                        analyzers.put(f[1], analyzer);
                    }
                    out.println("tokens\t" + f[2] + tokens(analyzer, f[3]));
                    break;
                }
                case "stopwords": {
                    TreeSet<String> words = new TreeSet<>();
                    EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.forEach(w -> words.add(new String((char[]) w)));
                    out.println("stopwords\t" + String.join("\t", words));
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown command: " + f[0]);
            }
        }
        out.flush();
    }

    private static String[] params(String[] fields) {
        return Arrays.copyOfRange(fields, 3, fields.length);
    }

    private static String tokens(Analyzer analyzer, String text) throws Exception {
        List<String> found = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream("field", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                found.add(term.toString());
            }
            stream.end();
        }
        StringBuilder line = new StringBuilder();
        for (String token : found) {
            line.append('\t').append(token);
        }
        return line.toString();
    }
}
