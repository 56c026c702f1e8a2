/* text: UTF-8 decoding, sanitising and display width.
 * See include/zhishou/text.h for the contract.
 *
 * Widths come from the range tables below, never from wcwidth(3): duty
 * servers often run with LANG=C or C.UTF-8, where wcwidth() returns -1 for
 * every Chinese character and the whole console would misalign. */
#include "zhishou/text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define CP_REPLACEMENT 0xFFFDu
#define CP_ELLIPSIS 0x2026u

/* UTF-8 of U+2026 (ellipsis) and U+3000 (ideographic space). */
static const char ellipsis_utf8[] = "\xE2\x80\xA6";
static const char ideo_space_utf8[] = "\xE3\x80\x80";

/* ---- width tables ------------------------------------------------------- */

/* Inclusive code point ranges, sorted and non-overlapping so a binary search
 * works.  Derived from the Unicode 14 UCD (General_Category and
 * EastAsianWidth.txt) with a few Unicode 15 additions; the three tables are
 * disjoint and are consulted in the order zero, wide, ambiguous. */
struct cp_range {
	uint32_t first;
	uint32_t last;
};

/* Columns 0: nonspacing and enclosing marks (Mn, Me), format characters
 * (Cf) and the Hangul medial vowels / final consonants, which terminals
 * compose onto the preceding leading consonant.  U+00AD SOFT HYPHEN and the
 * prepended concatenation marks (U+0600-0605 ...) are Cf but visible, so they
 * are left out; U+2028/2029 (Zl/Zp) are in because terminals draw nothing
 * for them. */
static const struct cp_range zero_width[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
	{0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
	{0x061C, 0x061C}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC},
	{0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
	{0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x07EB, 0x07F3}, {0x07FD, 0x07FD},
	{0x0816, 0x0819}, {0x081B, 0x0823}, {0x0825, 0x0827}, {0x0829, 0x082D},
	{0x0859, 0x085B}, {0x0898, 0x089F}, {0x08CA, 0x08E1}, {0x08E3, 0x0902},
	{0x093A, 0x093A}, {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D},
	{0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0981}, {0x09BC, 0x09BC},
	{0x09C1, 0x09C4}, {0x09CD, 0x09CD}, {0x09E2, 0x09E3}, {0x09FE, 0x09FE},
	{0x0A01, 0x0A02}, {0x0A3C, 0x0A3C}, {0x0A41, 0x0A42}, {0x0A47, 0x0A48},
	{0x0A4B, 0x0A4D}, {0x0A51, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A75},
	{0x0A81, 0x0A82}, {0x0ABC, 0x0ABC}, {0x0AC1, 0x0AC5}, {0x0AC7, 0x0AC8},
	{0x0ACD, 0x0ACD}, {0x0AE2, 0x0AE3}, {0x0AFA, 0x0AFF}, {0x0B01, 0x0B01},
	{0x0B3C, 0x0B3C}, {0x0B3F, 0x0B3F}, {0x0B41, 0x0B44}, {0x0B4D, 0x0B4D},
	{0x0B55, 0x0B56}, {0x0B62, 0x0B63}, {0x0B82, 0x0B82}, {0x0BC0, 0x0BC0},
	{0x0BCD, 0x0BCD}, {0x0C00, 0x0C00}, {0x0C04, 0x0C04}, {0x0C3C, 0x0C3C},
	{0x0C3E, 0x0C40}, {0x0C46, 0x0C48}, {0x0C4A, 0x0C4D}, {0x0C55, 0x0C56},
	{0x0C62, 0x0C63}, {0x0C81, 0x0C81}, {0x0CBC, 0x0CBC}, {0x0CBF, 0x0CBF},
	{0x0CC6, 0x0CC6}, {0x0CCC, 0x0CCD}, {0x0CE2, 0x0CE3}, {0x0D00, 0x0D01},
	{0x0D3B, 0x0D3C}, {0x0D41, 0x0D44}, {0x0D4D, 0x0D4D}, {0x0D62, 0x0D63},
	{0x0D81, 0x0D81}, {0x0DCA, 0x0DCA}, {0x0DD2, 0x0DD4}, {0x0DD6, 0x0DD6},
	{0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1},
	{0x0EB4, 0x0EBC}, {0x0EC8, 0x0ECE}, {0x0F18, 0x0F19}, {0x0F35, 0x0F35},
	{0x0F37, 0x0F37}, {0x0F39, 0x0F39}, {0x0F71, 0x0F7E}, {0x0F80, 0x0F84},
	{0x0F86, 0x0F87}, {0x0F8D, 0x0F97}, {0x0F99, 0x0FBC}, {0x0FC6, 0x0FC6},
	{0x102D, 0x1030}, {0x1032, 0x1037}, {0x1039, 0x103A}, {0x103D, 0x103E},
	{0x1058, 0x1059}, {0x105E, 0x1060}, {0x1071, 0x1074}, {0x1082, 0x1082},
	{0x1085, 0x1086}, {0x108D, 0x108D}, {0x109D, 0x109D}, {0x1160, 0x11FF},
	{0x135D, 0x135F}, {0x1712, 0x1714}, {0x1732, 0x1733}, {0x1752, 0x1753},
	{0x1772, 0x1773}, {0x17B4, 0x17B5}, {0x17B7, 0x17BD}, {0x17C6, 0x17C6},
	{0x17C9, 0x17D3}, {0x17DD, 0x17DD}, {0x180B, 0x180F}, {0x1885, 0x1886},
	{0x18A9, 0x18A9}, {0x1920, 0x1922}, {0x1927, 0x1928}, {0x1932, 0x1932},
	{0x1939, 0x193B}, {0x1A17, 0x1A18}, {0x1A1B, 0x1A1B}, {0x1A56, 0x1A56},
	{0x1A58, 0x1A5E}, {0x1A60, 0x1A60}, {0x1A62, 0x1A62}, {0x1A65, 0x1A6C},
	{0x1A73, 0x1A7C}, {0x1A7F, 0x1A7F}, {0x1AB0, 0x1ACE}, {0x1B00, 0x1B03},
	{0x1B34, 0x1B34}, {0x1B36, 0x1B3A}, {0x1B3C, 0x1B3C}, {0x1B42, 0x1B42},
	{0x1B6B, 0x1B73}, {0x1B80, 0x1B81}, {0x1BA2, 0x1BA5}, {0x1BA8, 0x1BA9},
	{0x1BAB, 0x1BAD}, {0x1BE6, 0x1BE6}, {0x1BE8, 0x1BE9}, {0x1BED, 0x1BED},
	{0x1BEF, 0x1BF1}, {0x1C2C, 0x1C33}, {0x1C36, 0x1C37}, {0x1CD0, 0x1CD2},
	{0x1CD4, 0x1CE0}, {0x1CE2, 0x1CE8}, {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4},
	{0x1CF8, 0x1CF9}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x2028, 0x202E},
	{0x2060, 0x2064}, {0x2066, 0x206F}, {0x20D0, 0x20F0}, {0x2CEF, 0x2CF1},
	{0x2D7F, 0x2D7F}, {0x2DE0, 0x2DFF}, {0x302A, 0x302D}, {0x3099, 0x309A},
	{0xA66F, 0xA672}, {0xA674, 0xA67D}, {0xA69E, 0xA69F}, {0xA6F0, 0xA6F1},
	{0xA802, 0xA802}, {0xA806, 0xA806}, {0xA80B, 0xA80B}, {0xA825, 0xA826},
	{0xA82C, 0xA82C}, {0xA8C4, 0xA8C5}, {0xA8E0, 0xA8F1}, {0xA8FF, 0xA8FF},
	{0xA926, 0xA92D}, {0xA947, 0xA951}, {0xA980, 0xA982}, {0xA9B3, 0xA9B3},
	{0xA9B6, 0xA9B9}, {0xA9BC, 0xA9BD}, {0xA9E5, 0xA9E5}, {0xAA29, 0xAA2E},
	{0xAA31, 0xAA32}, {0xAA35, 0xAA36}, {0xAA43, 0xAA43}, {0xAA4C, 0xAA4C},
	{0xAA7C, 0xAA7C}, {0xAAB0, 0xAAB0}, {0xAAB2, 0xAAB4}, {0xAAB7, 0xAAB8},
	{0xAABE, 0xAABF}, {0xAAC1, 0xAAC1}, {0xAAEC, 0xAAED}, {0xAAF6, 0xAAF6},
	{0xABE5, 0xABE5}, {0xABE8, 0xABE8}, {0xABED, 0xABED}, {0xD7B0, 0xD7FF},
	{0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
	{0xFFF9, 0xFFFB}, {0x101FD, 0x101FD}, {0x102E0, 0x102E0},
	{0x10376, 0x1037A}, {0x10A01, 0x10A03}, {0x10A05, 0x10A06},
	{0x10A0C, 0x10A0F}, {0x10A38, 0x10A3A}, {0x10A3F, 0x10A3F},
	{0x10AE5, 0x10AE6}, {0x10D24, 0x10D27}, {0x10EAB, 0x10EAC},
	{0x10EFD, 0x10EFF}, {0x10F46, 0x10F50}, {0x10F82, 0x10F85},
	{0x11001, 0x11001}, {0x11038, 0x11046}, {0x11070, 0x11070},
	{0x11073, 0x11074}, {0x1107F, 0x11081}, {0x110B3, 0x110B6},
	{0x110B9, 0x110BA}, {0x110C2, 0x110C2}, {0x11100, 0x11102},
	{0x11127, 0x1112B}, {0x1112D, 0x11134}, {0x11173, 0x11173},
	{0x11180, 0x11181}, {0x111B6, 0x111BE}, {0x111C9, 0x111CC},
	{0x111CF, 0x111CF}, {0x1122F, 0x11231}, {0x11234, 0x11234},
	{0x11236, 0x11237}, {0x1123E, 0x1123E}, {0x11241, 0x11241},
	{0x112DF, 0x112DF}, {0x112E3, 0x112EA}, {0x11300, 0x11301},
	{0x1133B, 0x1133C}, {0x11340, 0x11340}, {0x11366, 0x1136C},
	{0x11370, 0x11374}, {0x11438, 0x1143F}, {0x11442, 0x11444},
	{0x11446, 0x11446}, {0x1145E, 0x1145E}, {0x114B3, 0x114B8},
	{0x114BA, 0x114BA}, {0x114BF, 0x114C0}, {0x114C2, 0x114C3},
	{0x115B2, 0x115B5}, {0x115BC, 0x115BD}, {0x115BF, 0x115C0},
	{0x115DC, 0x115DD}, {0x11633, 0x1163A}, {0x1163D, 0x1163D},
	{0x1163F, 0x11640}, {0x116AB, 0x116AB}, {0x116AD, 0x116AD},
	{0x116B0, 0x116B5}, {0x116B7, 0x116B7}, {0x1171D, 0x1171F},
	{0x11722, 0x11725}, {0x11727, 0x1172B}, {0x1182F, 0x11837},
	{0x11839, 0x1183A}, {0x1193B, 0x1193C}, {0x1193E, 0x1193E},
	{0x11943, 0x11943}, {0x119D4, 0x119D7}, {0x119DA, 0x119DB},
	{0x119E0, 0x119E0}, {0x11A01, 0x11A0A}, {0x11A33, 0x11A38},
	{0x11A3B, 0x11A3E}, {0x11A47, 0x11A47}, {0x11A51, 0x11A56},
	{0x11A59, 0x11A5B}, {0x11A8A, 0x11A96}, {0x11A98, 0x11A99},
	{0x11C30, 0x11C36}, {0x11C38, 0x11C3D}, {0x11C3F, 0x11C3F},
	{0x11C92, 0x11CA7}, {0x11CAA, 0x11CB0}, {0x11CB2, 0x11CB3},
	{0x11CB5, 0x11CB6}, {0x11D31, 0x11D36}, {0x11D3A, 0x11D3A},
	{0x11D3C, 0x11D3D}, {0x11D3F, 0x11D45}, {0x11D47, 0x11D47},
	{0x11D90, 0x11D91}, {0x11D95, 0x11D95}, {0x11D97, 0x11D97},
	{0x11EF3, 0x11EF4}, {0x11F00, 0x11F01}, {0x11F36, 0x11F3A},
	{0x11F40, 0x11F40}, {0x11F42, 0x11F42}, {0x13430, 0x13440},
	{0x13447, 0x13455}, {0x16AF0, 0x16AF4}, {0x16B30, 0x16B36},
	{0x16F4F, 0x16F4F}, {0x16F8F, 0x16F92}, {0x16FE4, 0x16FE4},
	{0x1BC9D, 0x1BC9E}, {0x1BCA0, 0x1BCA3}, {0x1CF00, 0x1CF2D},
	{0x1CF30, 0x1CF46}, {0x1D167, 0x1D169}, {0x1D173, 0x1D182},
	{0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244},
	{0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75},
	{0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF},
	{0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021},
	{0x1E023, 0x1E024}, {0x1E026, 0x1E02A}, {0x1E08F, 0x1E08F},
	{0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE}, {0x1E2EC, 0x1E2EF},
	{0x1E4EC, 0x1E4EF}, {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A},
	{0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
};

/* Columns 2: East Asian Wide and Fullwidth.  Ranges here are merged across
 * code points that were unassigned in Unicode 14 (inside CJK and emoji
 * blocks), so characters added later to those blocks are already wide, as
 * the standard's default for the CJK ideograph planes says. */
static const struct cp_range wide[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
	{0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
	{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
	{0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
	{0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
	{0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
	{0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x3029},
	{0x302E, 0x303E}, {0x3041, 0x3096}, {0x309B, 0x3247}, {0x3250, 0x4DBF},
	{0x4E00, 0xA4C6}, {0xA960, 0xA97C}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
	{0xFE10, 0xFE19}, {0xFE30, 0xFE6B}, {0xFF01, 0xFF60}, {0xFFE0, 0xFFE6},
	{0x16FE0, 0x16FE3}, {0x16FF0, 0x18D08}, {0x1AFF0, 0x1B2FB},
	{0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
	{0x1F191, 0x1F19A}, {0x1F200, 0x1F320}, {0x1F32D, 0x1F335},
	{0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
	{0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4},
	{0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
	{0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567},
	{0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
	{0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC},
	{0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6DF}, {0x1F6EB, 0x1F6EC},
	{0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7F0}, {0x1F90C, 0x1F93A},
	{0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
	{0x20000, 0x3FFFD},
};

/* East Asian Ambiguous: 1 column in Western terminals, 2 in many Chinese
 * ones.  The whole box drawing block U+2500-257F is listed (the UCD marks
 * only part of it) so that a frame never mixes widths. */
static const struct cp_range ambiguous[] = {
	{0x00A1, 0x00A1}, {0x00A4, 0x00A4}, {0x00A7, 0x00A8}, {0x00AA, 0x00AA},
	{0x00AD, 0x00AE}, {0x00B0, 0x00B4}, {0x00B6, 0x00BA}, {0x00BC, 0x00BF},
	{0x00C6, 0x00C6}, {0x00D0, 0x00D0}, {0x00D7, 0x00D8}, {0x00DE, 0x00E1},
	{0x00E6, 0x00E6}, {0x00E8, 0x00EA}, {0x00EC, 0x00ED}, {0x00F0, 0x00F0},
	{0x00F2, 0x00F3}, {0x00F7, 0x00FA}, {0x00FC, 0x00FC}, {0x00FE, 0x00FE},
	{0x0101, 0x0101}, {0x0111, 0x0111}, {0x0113, 0x0113}, {0x011B, 0x011B},
	{0x0126, 0x0127}, {0x012B, 0x012B}, {0x0131, 0x0133}, {0x0138, 0x0138},
	{0x013F, 0x0142}, {0x0144, 0x0144}, {0x0148, 0x014B}, {0x014D, 0x014D},
	{0x0152, 0x0153}, {0x0166, 0x0167}, {0x016B, 0x016B}, {0x01CE, 0x01CE},
	{0x01D0, 0x01D0}, {0x01D2, 0x01D2}, {0x01D4, 0x01D4}, {0x01D6, 0x01D6},
	{0x01D8, 0x01D8}, {0x01DA, 0x01DA}, {0x01DC, 0x01DC}, {0x0251, 0x0251},
	{0x0261, 0x0261}, {0x02C4, 0x02C4}, {0x02C7, 0x02C7}, {0x02C9, 0x02CB},
	{0x02CD, 0x02CD}, {0x02D0, 0x02D0}, {0x02D8, 0x02DB}, {0x02DD, 0x02DD},
	{0x02DF, 0x02DF}, {0x0391, 0x03A1}, {0x03A3, 0x03A9}, {0x03B1, 0x03C1},
	{0x03C3, 0x03C9}, {0x0401, 0x0401}, {0x0410, 0x044F}, {0x0451, 0x0451},
	{0x2010, 0x2010}, {0x2013, 0x2016}, {0x2018, 0x2019}, {0x201C, 0x201D},
	{0x2020, 0x2022}, {0x2024, 0x2027}, {0x2030, 0x2030}, {0x2032, 0x2033},
	{0x2035, 0x2035}, {0x203B, 0x203B}, {0x203E, 0x203E}, {0x2074, 0x2074},
	{0x207F, 0x207F}, {0x2081, 0x2084}, {0x20AC, 0x20AC}, {0x2103, 0x2103},
	{0x2105, 0x2105}, {0x2109, 0x2109}, {0x2113, 0x2113}, {0x2116, 0x2116},
	{0x2121, 0x2122}, {0x2126, 0x2126}, {0x212B, 0x212B}, {0x2153, 0x2154},
	{0x215B, 0x215E}, {0x2160, 0x216B}, {0x2170, 0x2179}, {0x2189, 0x2189},
	{0x2190, 0x2199}, {0x21B8, 0x21B9}, {0x21D2, 0x21D2}, {0x21D4, 0x21D4},
	{0x21E7, 0x21E7}, {0x2200, 0x2200}, {0x2202, 0x2203}, {0x2207, 0x2208},
	{0x220B, 0x220B}, {0x220F, 0x220F}, {0x2211, 0x2211}, {0x2215, 0x2215},
	{0x221A, 0x221A}, {0x221D, 0x2220}, {0x2223, 0x2223}, {0x2225, 0x2225},
	{0x2227, 0x222C}, {0x222E, 0x222E}, {0x2234, 0x2237}, {0x223C, 0x223D},
	{0x2248, 0x2248}, {0x224C, 0x224C}, {0x2252, 0x2252}, {0x2260, 0x2261},
	{0x2264, 0x2267}, {0x226A, 0x226B}, {0x226E, 0x226F}, {0x2282, 0x2283},
	{0x2286, 0x2287}, {0x2295, 0x2295}, {0x2299, 0x2299}, {0x22A5, 0x22A5},
	{0x22BF, 0x22BF}, {0x2312, 0x2312}, {0x2460, 0x24E9}, {0x24EB, 0x258F},
	{0x2592, 0x2595}, {0x25A0, 0x25A1}, {0x25A3, 0x25A9}, {0x25B2, 0x25B3},
	{0x25B6, 0x25B7}, {0x25BC, 0x25BD}, {0x25C0, 0x25C1}, {0x25C6, 0x25C8},
	{0x25CB, 0x25CB}, {0x25CE, 0x25D1}, {0x25E2, 0x25E5}, {0x25EF, 0x25EF},
	{0x2605, 0x2606}, {0x2609, 0x2609}, {0x260E, 0x260F}, {0x261C, 0x261C},
	{0x261E, 0x261E}, {0x2640, 0x2640}, {0x2642, 0x2642}, {0x2660, 0x2661},
	{0x2663, 0x2665}, {0x2667, 0x266A}, {0x266C, 0x266D}, {0x266F, 0x266F},
	{0x269E, 0x269F}, {0x26BF, 0x26BF}, {0x26C6, 0x26CD}, {0x26CF, 0x26D3},
	{0x26D5, 0x26E1}, {0x26E3, 0x26E3}, {0x26E8, 0x26E9}, {0x26EB, 0x26F1},
	{0x26F4, 0x26F4}, {0x26F6, 0x26F9}, {0x26FB, 0x26FC}, {0x26FE, 0x26FF},
	{0x273D, 0x273D}, {0x2776, 0x277F}, {0x2B56, 0x2B59}, {0x3248, 0x324F},
	{0xE000, 0xF8FF}, {0xFFFD, 0xFFFD}, {0x1F100, 0x1F10A},
	{0x1F110, 0x1F12D}, {0x1F130, 0x1F169}, {0x1F170, 0x1F18D},
	{0x1F18F, 0x1F190}, {0x1F19B, 0x1F1AC}, {0xF0000, 0xFFFFD},
	{0x100000, 0x10FFFD},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool in_table(uint32_t cp, const struct cp_range *t, size_t n)
{
	size_t lo = 0, hi = n;

	if (n == 0 || cp < t[0].first || cp > t[n - 1].last)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > t[mid].last)
			lo = mid + 1;
		else if (cp < t[mid].first)
			hi = mid;
		else
			return true;
	}
	return false;
}

/* ---- ambiguous setting -------------------------------------------------- */

/* Process-wide because it describes the terminal, of which there is one. */
static bool ambiguous_is_wide;

void text_set_ambiguous_wide(bool w)
{
	ambiguous_is_wide = w;
}

bool text_ambiguous_wide(void)
{
	return ambiguous_is_wide;
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Strict decoder: returns the length of the well-formed sequence at p, or 0
 * if the first byte does not start one (Unicode table 3-7).  Each byte is
 * checked before the next is read, so a NUL-terminated string can be passed
 * with len larger than what remains: a NUL is never a continuation byte. */
static size_t utf8_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
	unsigned char b0 = p[0], lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t c;

	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	if (b0 < 0xC2) {
		/* continuation byte, or C0/C1: always overlong */
		return 0;
	} else if (b0 < 0xE0) {
		need = 2;
		c = b0 & 0x1F;
	} else if (b0 < 0xF0) {
		need = 3;
		c = b0 & 0x0F;
		if (b0 == 0xE0)
			lo = 0xA0;	/* E0 80..9F would be overlong */
		else if (b0 == 0xED)
			hi = 0x9F;	/* ED A0..BF would be a surrogate */
	} else if (b0 < 0xF5) {
		need = 4;
		c = b0 & 0x07;
		if (b0 == 0xF0)
			lo = 0x90;	/* F0 80..8F would be overlong */
		else if (b0 == 0xF4)
			hi = 0x8F;	/* F4 90.. would be above U+10FFFF */
	} else {
		return 0;
	}
	if (len < 2 || p[1] < lo || p[1] > hi)
		return 0;
	c = (c << 6) | (p[1] & 0x3F);
	for (i = 2; i < need; i++) {
		if (i >= len || (p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	*cp = c;
	return need;
}

size_t text_decode(const char *s, size_t len, uint32_t *cp)
{
	uint32_t c = 0;
	size_t n;

	if (s == NULL || len == 0) {
		if (cp)
			*cp = 0;
		return 0;
	}
	n = utf8_decode((const unsigned char *)s, len, &c);
	if (n == 0) {
		c = CP_REPLACEMENT;
		n = 1;
	}
	if (cp)
		*cp = c;
	return n;
}

/* Decode from a NUL-terminated string; see utf8_decode for why 4 is safe. */
static size_t decode_z(const char *s, uint32_t *cp)
{
	return text_decode(s, 4, cp);
}

size_t text_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	/* Never emit ill-formed UTF-8, whatever the caller passes. */
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = CP_REPLACEMENT;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

bool text_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (s == NULL)
		return len == 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* ---- width -------------------------------------------------------------- */

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

int text_cp_width(uint32_t cp)
{
	if (is_control(cp))
		return 0;
	if (cp < 0xA1)
		return 1;	/* printable ASCII and NBSP: the common case */
	/* A value no decoder produces is drawn as the replacement character. */
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = CP_REPLACEMENT;
	/* Zero first: many combining marks (U+0300...) are also ambiguous. */
	if (in_table(cp, zero_width, COUNT(zero_width)))
		return 0;
	if (in_table(cp, wide, COUNT(wide)))
		return 2;
	if (in_table(cp, ambiguous, COUNT(ambiguous)))
		return ambiguous_is_wide ? 2 : 1;
	return 1;
}

int text_width_n(const char *s, size_t len)
{
	size_t i = 0;
	int total = 0;

	if (s == NULL)
		return 0;
	while (i < len) {
		uint32_t cp;
		int w;

		i += text_decode(s + i, len - i, &cp);
		w = text_cp_width(cp);
		/* absurdly long input: saturate rather than overflow */
		if (w > INT_MAX - total)
			return INT_MAX;
		total += w;
	}
	return total;
}

int text_width(const char *s)
{
	return s ? text_width_n(s, strlen(s)) : 0;
}

size_t text_length(const char *s)
{
	size_t count = 0;
	uint32_t cp;

	if (s == NULL)
		return 0;
	while (*s) {
		s += decode_z(s, &cp);
		count++;
	}
	return count;
}

/* ---- sanitising --------------------------------------------------------- */

/* Format characters that can reorder or break what is drawn around them:
 * an U+202E in a company name would make the rest of the row read
 * backwards, so they go even though they take no columns. */
static bool is_stripped_format(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C ||
	       cp == 0x2028 || cp == 0x2029;
}

char *text_sanitize(const char *s, size_t len, unsigned flags)
{
	char *out, *shrunk;
	size_t i = 0, o = 0;

	if (s == NULL)
		len = 0;
	/* Worst case: every byte is invalid and becomes a 3-byte U+FFFD;
	 * everything else is at most as long as its input. */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1);
	if (out == NULL)
		return NULL;
	while (i < len) {
		uint32_t cp;

		i += text_decode(s + i, len - i, &cp);
		if (cp == '\t') {
			out[o++] = ' ';
		} else if (cp == '\n') {
			out[o++] = (flags & TEXT_KEEP_NEWLINES) ? '\n' : ' ';
		} else if (is_control(cp) || is_stripped_format(cp)) {
			/* includes \r, so "\r\n" ends up as the \n alone */
			continue;
		} else {
			o += text_encode(cp, out + o);
		}
	}
	out[o] = '\0';
	/* Sanitised text is usually kept (stored, cached), so give back the
	 * worst-case slack; if realloc fails the big block is still fine. */
	shrunk = realloc(out, o + 1);
	return shrunk ? shrunk : out;
}

static bool is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

char *text_trim(char *s)
{
	char *start = s;
	size_t n;

	if (s == NULL)
		return NULL;
	/* strncmp, not memcmp: it stops at the NUL of a short string. */
	for (;;) {
		if (is_ascii_space(*start))
			start++;
		else if (strncmp(start, ideo_space_utf8, 3) == 0)
			start += 3;
		else
			break;
	}
	n = strlen(start);
	for (;;) {
		if (n > 0 && is_ascii_space(start[n - 1]))
			n--;
		else if (n >= 3 &&
			 memcmp(start + n - 3, ideo_space_utf8, 3) == 0)
			n -= 3;
		else
			break;
	}
	memmove(s, start, n);
	s[n] = '\0';
	return s;
}

/* ---- fitting ------------------------------------------------------------ */

/* The fitting functions work on clusters: a code point plus the zero-width,
 * non-control code points after it (combining marks, variation selectors,
 * ZWJ), so that a cut never strands an accent or splits "é" from its e. */

/* Width of cp as fit_cols draws it: tabs and newlines become one space. */
static int draw_width(uint32_t cp)
{
	if (cp == '\t' || cp == '\n')
		return 1;
	return text_cp_width(cp);
}

/* Bytes fit_cols writes for cp: controls other than tab and newline are
 * dropped so an ESC can never reach the terminal through a fitted cell;
 * invalid input was already turned into U+FFFD by the decoder. */
static size_t draw_bytes(uint32_t cp)
{
	char tmp[4];

	if (cp == '\t' || cp == '\n')
		return 1;
	/* Bidi overrides are dropped too: text that reached the database some
	 * other way must not reorder what is drawn after it. */
	if (is_control(cp) || is_stripped_format(cp))
		return 0;
	return text_encode(cp, tmp);
}

static bool is_attached(uint32_t cp)
{
	return !is_control(cp) && text_cp_width(cp) == 0;
}

struct cluster {
	const char *end;	/* first byte after the cluster */
	int width;		/* columns (the base's; marks add none) */
	size_t bytes;		/* bytes fit_cols writes for it */
};

/* Scan the cluster at s (which must not be at the NUL).  draw selects
 * fit_cols' view of tabs and newlines over text_width's. */
static void next_cluster(const char *s, bool draw, struct cluster *c)
{
	uint32_t cp;

	s += decode_z(s, &cp);
	c->width = draw ? draw_width(cp) : text_cp_width(cp);
	c->bytes = draw_bytes(cp);
	for (;;) {
		size_t n = decode_z(s, &cp);

		if (!is_attached(cp))
			break;
		s += n;
		c->bytes += draw_bytes(cp);
	}
	c->end = s;
}

size_t text_fit(const char *s, int cols, int *used)
{
	const char *p = s;
	int w = 0;

	if (s != NULL) {
		while (*p) {
			struct cluster c;

			next_cluster(p, false, &c);
			if (c.width > cols - w)
				break;
			w += c.width;
			p = c.end;
		}
	}
	if (used)
		*used = w;
	return s ? (size_t)(p - s) : 0;
}

/* Output buffer for fit_cols.  With buf NULL it only counts columns, which
 * lets the right-aligned variant measure before writing.  Once something
 * does not fit in the bytes left, nothing more is written: output stops at
 * a cluster boundary instead of skipping ahead to a shorter character. */
struct sink {
	char *buf;
	size_t cap;		/* buffer size, including room for the NUL */
	size_t len;
	int cols;
	bool full;
};

static bool sink_room(struct sink *k, size_t n)
{
	if (k->full)
		return false;
	if (k->buf != NULL && n >= k->cap - k->len) {
		k->full = true;
		return false;
	}
	return true;
}

static void sink_spaces(struct sink *k, int n)
{
	while (n-- > 0 && sink_room(k, 1)) {
		if (k->buf)
			k->buf[k->len] = ' ';
		k->len++;
		k->cols++;
	}
}

static void sink_cluster(struct sink *k, const char *s, const struct cluster *c)
{
	if (!sink_room(k, c->bytes))
		return;
	if (k->buf) {
		while (s < c->end) {
			uint32_t cp;

			s += decode_z(s, &cp);
			if (cp == '\t' || cp == '\n')
				k->buf[k->len++] = ' ';
			else if (!is_control(cp) && !is_stripped_format(cp))
				k->len += text_encode(cp, k->buf + k->len);
		}
	} else {
		k->len += c->bytes;
	}
	k->cols += c->width;
}

static void sink_ellipsis(struct sink *k, int width)
{
	if (!sink_room(k, 3))
		return;
	if (k->buf)
		memcpy(k->buf + k->len, ellipsis_utf8, 3);
	k->len += 3;
	k->cols += width;
}

/* Draw s into k within cols columns, with an ellipsis if it had to be cut. */
static void render_fit(const char *s, int cols, struct sink *k)
{
	const char *p = s;
	int total = 0, ell, budget, w = 0;
	bool cut = false;

	/* Measure first, stopping as soon as s is known not to fit. */
	while (*p) {
		struct cluster c;

		next_cluster(p, true, &c);
		if (c.width > cols - total) {
			cut = true;
			break;
		}
		total += c.width;
		p = c.end;
	}
	ell = text_cp_width(CP_ELLIPSIS);
	/* If even the ellipsis does not fit, a plain cut says more than
	 * nothing at all. */
	budget = (cut && cols >= ell) ? cols - ell : cols;
	for (p = s; *p;) {
		struct cluster c;

		next_cluster(p, true, &c);
		if (c.width > budget - w)
			break;
		w += c.width;
		sink_cluster(k, p, &c);
		p = c.end;
	}
	if (cut && cols >= ell)
		sink_ellipsis(k, ell);
}

static int sink_finish(struct sink *k)
{
	k->buf[k->len] = '\0';
	return k->cols;
}

int text_fit_cols(const char *s, int cols, bool pad, char *out, size_t outsz)
{
	struct sink k = { out, outsz, 0, 0, false };

	if (out == NULL || outsz == 0)
		return 0;
	if (s == NULL)
		s = "";
	if (cols < 0)
		cols = 0;
	render_fit(s, cols, &k);
	if (pad)
		sink_spaces(&k, cols - k.cols);
	return sink_finish(&k);
}

int text_fit_cols_right(const char *s, int cols, char *out, size_t outsz)
{
	struct sink measure = { NULL, 0, 0, 0, false };
	struct sink k = { out, outsz, 0, 0, false };

	if (out == NULL || outsz == 0)
		return 0;
	if (s == NULL)
		s = "";
	if (cols < 0)
		cols = 0;
	render_fit(s, cols, &measure);
	sink_spaces(&k, cols - measure.cols);
	render_fit(s, cols, &k);
	return sink_finish(&k);
}
