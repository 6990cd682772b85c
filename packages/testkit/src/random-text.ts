import { Rng } from "@formwork/core";

/** Options of `randomTexts`. */
export interface RandomTextOptions {
  /** Seed of the generator (default 1). Same seed, same texts. */
  seed?: number;
  /** Extra material: whole strings that pieces are sometimes drawn from (e.g. llama.cpp's `.inp` tokenizer tests). */
  corpus?: readonly string[];
  /** Strings inserted whole now and then (e.g. the texts of special and user-defined tokens). */
  atoms?: readonly string[];
  /** Most pieces per text (default 12). */
  maxPieces?: number;
}

// Samples per script; pieces are built from random runs of these.
const SCRIPTS: readonly string[] = [
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
  "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœŒÆÇÉÑŁłŚśŹźŻżĆćĘęĄą",
  "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩάέήίόύώ",
  "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
  "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
  "אבגדהוזחטיכלמנסעפצקרשת",
  "अआइईउऊएऐओऔकखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह्ािीुूेैोौं",
  "กขคฆงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮะาิีึืุูเแโใไ่้๊๋",
  "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领",
  "가각간갇갈감갑강개객갱거건걸검겁것게겨격견결겸경계고곡곤곧골곰곱공과관광괴교구국군굳굴궁권귀규균그극근글금급기긴길김깊까나낙난날남납낭내냄너널넓네녀년념녕노녹논놀농뇌누눈뉴느는늘능니님다단달담답당대댁더덕던덜덤도독돈돌동두둑둔뒤드득든들듬등디따때또뚜뜨뜻라락란람랍랑래랭략량러럭런럼렁레려력련렬렴령례로록론롭뢰료룡루류륙률르름릉리린림립마막만많말망매맥머먹먼멀메며면멸명모목몰몸못몽묘무묵문물미민밀바박반받발밝방배백번벌범법벽변별병보복본봉부북분불붕비빈빌빛사",
  "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー",
  "0123456789",
  "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
  "±×÷√∞≈≠≤≥∑∏∫∂∇∈∉∩∪⊂⊃⊆⊇∧∨¬∀∃€£¥¢§¶©®™°µ½¼¾•…‰′″‹›«»“”‘’–—",
];

const EMOJI: readonly string[] = [
  "😀", "😂", "🥲", "🤖", "🦙", "🎉", "🚀", "❤️", "👍🏽", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "🇯🇵", "🧑🏿‍🔬",
  "✅", "⚡", "☕", "🫠", "🤌🏻", "🐈‍⬛", "❤️‍🔥", "1️⃣", "#️⃣", "©️", "🔥🔥🔥",
];

const WHITESPACE: readonly string[] = [" ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\r\n", "\r", " \n", "\n ", "\u00a0", "\u3000", "\u2003", " \t \n"];

const CODE: readonly string[] = [
  "function f(x) {\n  return x * 2;\n}\n",
  "for (let i = 0; i < n; i++) {\n\tsum += a[i];\n}",
  "def main():\n    print(\"hello\")\n\nif __name__ == \"__main__\":\n    main()\n",
  "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }",
  "SELECT id, name FROM users WHERE age >= 18 ORDER BY name;",
  "const { a, b: [c, ...d] } = obj ?? {};",
  "fn add(a: i32, b: i32) -> i32 { a + b }",
  "<div class=\"x\">&amp; &lt;tag&gt;</div>",
  "    indented    \n        more\n\t\ttabs",
  "x=1;y=2;;z+=x<<3|y>>>1",
  "// comment\n/* block */ /** doc */",
  "$ ls -la | grep \"^d\" > out.txt 2>&1",
  "'s 've 're 'll 'd 'm 't N'T",
];

/**
 * A seeded generator of test strings for tokenizer oracles: runs of many
 * scripts (Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Thai, CJK,
 * Hangul, kana), emoji with ZWJ sequences, skin tones and flags, whitespace
 * runs (spaces, tabs, newlines, `\r\n`, NBSP, ideographic space), code, JSON,
 * digits, punctuation, random code points from every plane (no lone
 * surrogates), and pieces of a given corpus. Same seed, same strings.
 */
export function randomTexts(count: number, options: RandomTextOptions = {}): string[] {
  const rng = new Rng(options.seed ?? 1);
  const int = (n: number) => Math.floor(rng.next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const maxPieces = options.maxPieces ?? 12;
  const corpus = options.corpus ?? [];
  const atoms = options.atoms ?? [];

  const run = (alphabet: string) => {
    const chars = [...alphabet];
    let s = "";
    const len = 1 + int(12);
    for (let i = 0; i < len; i++) s += pick(chars);
    return s;
  };
  const codePoint = () => {
    const r = rng.next();
    let cp: number;
    if (r < 0.4) cp = 0x20 + int(0x7e0);
    else if (r < 0.8) cp = 0x800 + int(0xf800);
    else cp = 0x10000 + int(0x100000);
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xe000 + (cp - 0xd800);
    return String.fromCodePoint(cp);
  };
  const json = (depth: number): unknown => {
    const r = int(depth > 2 ? 4 : 7);
    switch (r) {
      case 0: return int(2000) - 1000;
      case 1: return Math.round((rng.next() - 0.5) * 1e6) / 1000;
      case 2: return run(pick(SCRIPTS));
      case 3: return pick([true, false, null]);
      case 4: return Array.from({ length: int(4) }, () => json(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = int(4); i > 0; i--) o[run(SCRIPTS[0])] = json(depth + 1);
        return o;
      }
    }
  };
  const piece = (): string => {
    const r = int(100);
    if (r < 30) return run(pick(SCRIPTS));
    if (r < 40) return pick(EMOJI);
    if (r < 55) return pick(WHITESPACE);
    if (r < 62) return pick(CODE);
    if (r < 69) return JSON.stringify(json(0), null, int(2) ? undefined : pick([1, 2, "\t"]));
    if (r < 74) return String(int(1e9)) + (int(2) ? "." + String(int(1e6)) : "");
    if (r < 82) return Array.from({ length: 1 + int(6) }, codePoint).join("");
    if (r < 86 && atoms.length > 0) return pick(atoms);
    if (r < 90 && corpus.length > 0) {
      const s = pick(corpus);
      const a = int(s.length + 1), b = a + int(40);
      return cut(s, a, b);
    }
    return " " + run(SCRIPTS[0]);
  };

  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const n = 1 + int(maxPieces);
    let s = "";
    for (let i = 0; i < n; i++) s += piece() + (int(3) === 0 ? " " : "");
    out.push(s);
  }
  return out;
}

/** `s.slice(a, b)` widened so that no surrogate pair is split. */
function cut(s: string, a: number, b: number): string {
  const isLow = (i: number) => i > 0 && i < s.length && (s.charCodeAt(i) & 0xfc00) === 0xdc00;
  if (isLow(a)) a--;
  if (b > s.length) b = s.length;
  if (isLow(b)) b++;
  return s.slice(a, b);
}
