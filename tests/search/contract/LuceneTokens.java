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
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

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
 *   field FIELD CHAIN               index FIELD with a chain defined above
 *   doc ID / value FIELD TEXT       add a document to an in-memory index, then its field values
 *   match QID TIE TEXT [FIELD BOOST CHAIN]...
 *                                   add to query QID a multi_match best_fields clause, as
 *                                   OpenSearch builds it: per field the text analysed by CHAIN,
 *                                   its terms ORed and boosted, fields joined by dis_max
 *   best QID                        prints: best QID SCORE ID (the top BM25 hit of query QID)
 * Files named by parameters (stop word lists) are read from the directory given as args[0].
 */
public final class LuceneTokens {
    public static void main(String[] args) throws Exception {
        Path config = Paths.get(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        Map<String, CustomAnalyzer.Builder> builders = new HashMap<>();
        Map<String, Analyzer> analyzers = new HashMap<>();
        Map<String, Analyzer> fieldAnalyzers = new HashMap<>();
        Map<String, BooleanQuery.Builder> queries = new HashMap<>();
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        IndexWriter writer = null;
        Document document = null;
        IndexSearcher searcher = null;
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
                case "analyze":
                    out.println("tokens\t" + f[2] + tokens(analyzer(builders, analyzers, f[1]), f[3]));
                    break;
                case "field":
                    fieldAnalyzers.put(f[1], analyzer(builders, analyzers, f[2]));
                    break;
                case "doc":
                    if (writer == null) {
                        Analyzer perField = new PerFieldAnalyzerWrapper(analyzer(builders, analyzers, "standard"), fieldAnalyzers);
                        writer = new IndexWriter(directory, new IndexWriterConfig(perField));
                    }
                    if (document != null) {
                        writer.addDocument(document);
                    }
                    document = new Document();
                    document.add(new StringField("_id", f[1], Field.Store.YES));
                    break;
                case "value":
                    document.add(new TextField(f[1], f[2], Field.Store.NO));
                    break;
                case "match": {
                    List<Query> perField = new ArrayList<>();
                    for (int i = 4; i + 2 < f.length; i += 3) {
                        BooleanQuery.Builder words = new BooleanQuery.Builder();
                        for (String token : tokens(analyzer(builders, analyzers, f[i + 2]), f[3]).split("\t")) {
                            if (!token.isEmpty()) {
                                words.add(new TermQuery(new Term(f[i], token)), BooleanClause.Occur.SHOULD);
                            }
                        }
                        perField.add(new BoostQuery(words.build(), Float.parseFloat(f[i + 1])));
                    }
                    queries.computeIfAbsent(f[1], k -> new BooleanQuery.Builder())
                        .add(new DisjunctionMaxQuery(perField, Float.parseFloat(f[2])), BooleanClause.Occur.SHOULD);
                    break;
                }
                case "best": {
                    if (searcher == null) {
                        if (document != null) {
                            writer.addDocument(document);
                            document = null;
                        }
                        writer.close();
                        searcher = new IndexSearcher(DirectoryReader.open(directory));
                    }
                    TopDocs top = searcher.search(queries.get(f[1]).build(), 1);
                    if (top.scoreDocs.length == 0) {
                        out.println("best\t" + f[1] + "\t0\t");
                    } else {
                        ScoreDoc hit = top.scoreDocs[0];
                        out.println("best\t" + f[1] + "\t" + hit.score + "\t" + searcher.doc(hit.doc).get("_id"));
                    }
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

    private static Analyzer analyzer(Map<String, CustomAnalyzer.Builder> builders, Map<String, Analyzer> built, String name)
            throws Exception {
        Analyzer analyzer = built.get(name);
        if (analyzer == null) {
            CustomAnalyzer.Builder builder = builders.get(name);
            analyzer = builder != null ? builder.build() : CustomAnalyzer.builder().withTokenizer("standard").addTokenFilter("lowercase").build();
            built.put(name, analyzer);
        }
        return analyzer;
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
