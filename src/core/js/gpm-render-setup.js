/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Configures markdown-it the way diaspora*'s web front end does
 * (app/assets/javascripts/app/helpers/text_formatter.js) and exposes
 * gpmRender(), which gpm-render.c calls once per post.
 *
 * Loaded after the library scripts, in the order diaspora's main.js requires
 * them. Everything below mirrors text_formatter.js; the only additions are
 * marked "GPM:" (the per-call mention list, and keeping remote media out of
 * the preview unless the caller allows it).
 *
 * Licence. This file is a derivative of diaspora*'s text_formatter.js and,
 * for the WORD table, lib/assets/javascripts/posix-bracket-expressions.js:
 * copyright Diaspora Inc. and the diaspora* contributors, licensed under the
 * GNU Affero General Public License version 3 or any later version
 * (diaspora's COPYRIGHT file and the files' @license lines). So is this
 * file, our "GPM:" additions included; the licence text is
 * gpm-render-setup.js.LICENSE next to it.
 *
 * The rest of GPlus Migrate is GPL-3.0-or-later, and this file is compiled
 * into its core library (a GResource). Section 13 of the GNU GPL version 3
 * permits combining a GPLv3 work with an AGPLv3 work into one program: each
 * part keeps its own licence, and section 13 of the AGPL (a modified version
 * used by people over a network must offer them its source) applies to the
 * combination as such. README.md, "Licence", says the same for the program.
 */
(function (global) {
  "use strict";

  /* Ruby's Unicode 9.0 [[:word:]] (BMP), as diaspora's
   * PosixBracketExpressions.word (lib/assets/javascripts/posix-bracket-expressions.js). */
  var WORD =
      "\\u0030-\\u0039\\u0041-\\u005a\\u005f\\u0061-\\u007a\\u00aa\\u00b5\\u00ba\\u00c0-\\u00d6" +
      "\\u00d8-\\u00f6\\u00f8-\\u02c1\\u02c6-\\u02d1\\u02e0-\\u02e4\\u02ec\\u02ee" +
      "\\u0300-\\u0374\\u0376-\\u0377\\u037a-\\u037d\\u037f\\u0386\\u0388-\\u038a\\u038c" +
      "\\u038e-\\u03a1\\u03a3-\\u03f5\\u03f7-\\u0481\\u0483-\\u052f\\u0531-\\u0556\\u0559" +
      "\\u0561-\\u0587\\u0591-\\u05bd\\u05bf\\u05c1-\\u05c2\\u05c4-\\u05c5\\u05c7" +
      "\\u05d0-\\u05ea\\u05f0-\\u05f2\\u0610-\\u061a\\u0620-\\u0669\\u066e-\\u06d3" +
      "\\u06d5-\\u06dc\\u06df-\\u06e8\\u06ea-\\u06fc\\u06ff\\u0710-\\u074a\\u074d-\\u07b1" +
      "\\u07c0-\\u07f5\\u07fa\\u0800-\\u082d\\u0840-\\u085b\\u08a0-\\u08b4\\u08b6-\\u08bd" +
      "\\u08d4-\\u08e1\\u08e3-\\u0963\\u0966-\\u096f\\u0971-\\u0983\\u0985-\\u098c" +
      "\\u098f-\\u0990\\u0993-\\u09a8\\u09aa-\\u09b0\\u09b2\\u09b6-\\u09b9\\u09bc-\\u09c4" +
      "\\u09c7-\\u09c8\\u09cb-\\u09ce\\u09d7\\u09dc-\\u09dd\\u09df-\\u09e3\\u09e6-\\u09f1" +
      "\\u0a01-\\u0a03\\u0a05-\\u0a0a\\u0a0f-\\u0a10\\u0a13-\\u0a28\\u0a2a-\\u0a30" +
      "\\u0a32-\\u0a33\\u0a35-\\u0a36\\u0a38-\\u0a39\\u0a3c\\u0a3e-\\u0a42\\u0a47-\\u0a48" +
      "\\u0a4b-\\u0a4d\\u0a51\\u0a59-\\u0a5c\\u0a5e\\u0a66-\\u0a75\\u0a81-\\u0a83" +
      "\\u0a85-\\u0a8d\\u0a8f-\\u0a91\\u0a93-\\u0aa8\\u0aaa-\\u0ab0\\u0ab2-\\u0ab3" +
      "\\u0ab5-\\u0ab9\\u0abc-\\u0ac5\\u0ac7-\\u0ac9\\u0acb-\\u0acd\\u0ad0\\u0ae0-\\u0ae3" +
      "\\u0ae6-\\u0aef\\u0af9\\u0b01-\\u0b03\\u0b05-\\u0b0c\\u0b0f-\\u0b10\\u0b13-\\u0b28" +
      "\\u0b2a-\\u0b30\\u0b32-\\u0b33\\u0b35-\\u0b39\\u0b3c-\\u0b44\\u0b47-\\u0b48" +
      "\\u0b4b-\\u0b4d\\u0b56-\\u0b57\\u0b5c-\\u0b5d\\u0b5f-\\u0b63\\u0b66-\\u0b6f\\u0b71" +
      "\\u0b82-\\u0b83\\u0b85-\\u0b8a\\u0b8e-\\u0b90\\u0b92-\\u0b95\\u0b99-\\u0b9a\\u0b9c" +
      "\\u0b9e-\\u0b9f\\u0ba3-\\u0ba4\\u0ba8-\\u0baa\\u0bae-\\u0bb9\\u0bbe-\\u0bc2" +
      "\\u0bc6-\\u0bc8\\u0bca-\\u0bcd\\u0bd0\\u0bd7\\u0be6-\\u0bef\\u0c00-\\u0c03" +
      "\\u0c05-\\u0c0c\\u0c0e-\\u0c10\\u0c12-\\u0c28\\u0c2a-\\u0c39\\u0c3d-\\u0c44" +
      "\\u0c46-\\u0c48\\u0c4a-\\u0c4d\\u0c55-\\u0c56\\u0c58-\\u0c5a\\u0c60-\\u0c63" +
      "\\u0c66-\\u0c6f\\u0c80-\\u0c83\\u0c85-\\u0c8c\\u0c8e-\\u0c90\\u0c92-\\u0ca8" +
      "\\u0caa-\\u0cb3\\u0cb5-\\u0cb9\\u0cbc-\\u0cc4\\u0cc6-\\u0cc8\\u0cca-\\u0ccd" +
      "\\u0cd5-\\u0cd6\\u0cde\\u0ce0-\\u0ce3\\u0ce6-\\u0cef\\u0cf1-\\u0cf2\\u0d01-\\u0d03" +
      "\\u0d05-\\u0d0c\\u0d0e-\\u0d10\\u0d12-\\u0d3a\\u0d3d-\\u0d44\\u0d46-\\u0d48" +
      "\\u0d4a-\\u0d4e\\u0d54-\\u0d57\\u0d5f-\\u0d63\\u0d66-\\u0d6f\\u0d7a-\\u0d7f" +
      "\\u0d82-\\u0d83\\u0d85-\\u0d96\\u0d9a-\\u0db1\\u0db3-\\u0dbb\\u0dbd\\u0dc0-\\u0dc6" +
      "\\u0dca\\u0dcf-\\u0dd4\\u0dd6\\u0dd8-\\u0ddf\\u0de6-\\u0def\\u0df2-\\u0df3" +
      "\\u0e01-\\u0e3a\\u0e40-\\u0e4e\\u0e50-\\u0e59\\u0e81-\\u0e82\\u0e84\\u0e87-\\u0e88" +
      "\\u0e8a\\u0e8d\\u0e94-\\u0e97\\u0e99-\\u0e9f\\u0ea1-\\u0ea3\\u0ea5\\u0ea7\\u0eaa-\\u0eab" +
      "\\u0ead-\\u0eb9\\u0ebb-\\u0ebd\\u0ec0-\\u0ec4\\u0ec6\\u0ec8-\\u0ecd\\u0ed0-\\u0ed9" +
      "\\u0edc-\\u0edf\\u0f00\\u0f18-\\u0f19\\u0f20-\\u0f29\\u0f35\\u0f37\\u0f39\\u0f3e-\\u0f47" +
      "\\u0f49-\\u0f6c\\u0f71-\\u0f84\\u0f86-\\u0f97\\u0f99-\\u0fbc\\u0fc6\\u1000-\\u1049" +
      "\\u1050-\\u109d\\u10a0-\\u10c5\\u10c7\\u10cd\\u10d0-\\u10fa\\u10fc-\\u1248" +
      "\\u124a-\\u124d\\u1250-\\u1256\\u1258\\u125a-\\u125d\\u1260-\\u1288\\u128a-\\u128d" +
      "\\u1290-\\u12b0\\u12b2-\\u12b5\\u12b8-\\u12be\\u12c0\\u12c2-\\u12c5\\u12c8-\\u12d6" +
      "\\u12d8-\\u1310\\u1312-\\u1315\\u1318-\\u135a\\u135d-\\u135f\\u1380-\\u138f" +
      "\\u13a0-\\u13f5\\u13f8-\\u13fd\\u1401-\\u166c\\u166f-\\u167f\\u1681-\\u169a" +
      "\\u16a0-\\u16ea\\u16ee-\\u16f8\\u1700-\\u170c\\u170e-\\u1714\\u1720-\\u1734" +
      "\\u1740-\\u1753\\u1760-\\u176c\\u176e-\\u1770\\u1772-\\u1773\\u1780-\\u17d3\\u17d7" +
      "\\u17dc-\\u17dd\\u17e0-\\u17e9\\u180b-\\u180d\\u1810-\\u1819\\u1820-\\u1877" +
      "\\u1880-\\u18aa\\u18b0-\\u18f5\\u1900-\\u191e\\u1920-\\u192b\\u1930-\\u193b" +
      "\\u1946-\\u196d\\u1970-\\u1974\\u1980-\\u19ab\\u19b0-\\u19c9\\u19d0-\\u19d9" +
      "\\u1a00-\\u1a1b\\u1a20-\\u1a5e\\u1a60-\\u1a7c\\u1a7f-\\u1a89\\u1a90-\\u1a99\\u1aa7" +
      "\\u1ab0-\\u1abe\\u1b00-\\u1b4b\\u1b50-\\u1b59\\u1b6b-\\u1b73\\u1b80-\\u1bf3" +
      "\\u1c00-\\u1c37\\u1c40-\\u1c49\\u1c4d-\\u1c7d\\u1c80-\\u1c88\\u1cd0-\\u1cd2" +
      "\\u1cd4-\\u1cf6\\u1cf8-\\u1cf9\\u1d00-\\u1df5\\u1dfb-\\u1f15\\u1f18-\\u1f1d" +
      "\\u1f20-\\u1f45\\u1f48-\\u1f4d\\u1f50-\\u1f57\\u1f59\\u1f5b\\u1f5d\\u1f5f-\\u1f7d" +
      "\\u1f80-\\u1fb4\\u1fb6-\\u1fbc\\u1fbe\\u1fc2-\\u1fc4\\u1fc6-\\u1fcc\\u1fd0-\\u1fd3" +
      "\\u1fd6-\\u1fdb\\u1fe0-\\u1fec\\u1ff2-\\u1ff4\\u1ff6-\\u1ffc\\u203f-\\u2040\\u2054" +
      "\\u2071\\u207f\\u2090-\\u209c\\u20d0-\\u20f0\\u2102\\u2107\\u210a-\\u2113\\u2115" +
      "\\u2119-\\u211d\\u2124\\u2126\\u2128\\u212a-\\u212d\\u212f-\\u2139\\u213c-\\u213f" +
      "\\u2145-\\u2149\\u214e\\u2160-\\u2188\\u24b6-\\u24e9\\u2c00-\\u2c2e\\u2c30-\\u2c5e" +
      "\\u2c60-\\u2ce4\\u2ceb-\\u2cf3\\u2d00-\\u2d25\\u2d27\\u2d2d\\u2d30-\\u2d67\\u2d6f" +
      "\\u2d7f-\\u2d96\\u2da0-\\u2da6\\u2da8-\\u2dae\\u2db0-\\u2db6\\u2db8-\\u2dbe" +
      "\\u2dc0-\\u2dc6\\u2dc8-\\u2dce\\u2dd0-\\u2dd6\\u2dd8-\\u2dde\\u2de0-\\u2dff\\u2e2f" +
      "\\u3005-\\u3007\\u3021-\\u302f\\u3031-\\u3035\\u3038-\\u303c\\u3041-\\u3096" +
      "\\u3099-\\u309a\\u309d-\\u309f\\u30a1-\\u30fa\\u30fc-\\u30ff\\u3105-\\u312d" +
      "\\u3131-\\u318e\\u31a0-\\u31ba\\u31f0-\\u31ff\\u3400-\\u4db5\\u4e00-\\u9fd5" +
      "\\ua000-\\ua48c\\ua4d0-\\ua4fd\\ua500-\\ua60c\\ua610-\\ua62b\\ua640-\\ua672" +
      "\\ua674-\\ua67d\\ua67f-\\ua6f1\\ua717-\\ua71f\\ua722-\\ua788\\ua78b-\\ua7ae" +
      "\\ua7b0-\\ua7b7\\ua7f7-\\ua827\\ua840-\\ua873\\ua880-\\ua8c5\\ua8d0-\\ua8d9" +
      "\\ua8e0-\\ua8f7\\ua8fb\\ua8fd\\ua900-\\ua92d\\ua930-\\ua953\\ua960-\\ua97c" +
      "\\ua980-\\ua9c0\\ua9cf-\\ua9d9\\ua9e0-\\ua9fe\\uaa00-\\uaa36\\uaa40-\\uaa4d" +
      "\\uaa50-\\uaa59\\uaa60-\\uaa76\\uaa7a-\\uaac2\\uaadb-\\uaadd\\uaae0-\\uaaef" +
      "\\uaaf2-\\uaaf6\\uab01-\\uab06\\uab09-\\uab0e\\uab11-\\uab16\\uab20-\\uab26" +
      "\\uab28-\\uab2e\\uab30-\\uab5a\\uab5c-\\uab65\\uab70-\\uabea\\uabec-\\uabed" +
      "\\uabf0-\\uabf9\\uac00-\\ud7a3\\ud7b0-\\ud7c6\\ud7cb-\\ud7fb\\uf900-\\ufa6d" +
      "\\ufa70-\\ufad9\\ufb00-\\ufb06\\ufb13-\\ufb17\\ufb1d-\\ufb28\\ufb2a-\\ufb36" +
      "\\ufb38-\\ufb3c\\ufb3e\\ufb40-\\ufb41\\ufb43-\\ufb44\\ufb46-\\ufbb1\\ufbd3-\\ufd3d" +
      "\\ufd50-\\ufd8f\\ufd92-\\ufdc7\\ufdf0-\\ufdfb\\ufe00-\\ufe0f\\ufe20-\\ufe2f" +
      "\\ufe33-\\ufe34\\ufe4d-\\ufe4f\\ufe70-\\ufe74\\ufe76-\\ufefc\\uff10-\\uff19" +
      "\\uff21-\\uff3a\\uff3f\\uff41-\\uff5a\\uff66-\\uffbe\\uffc2-\\uffc7\\uffca-\\uffcf" +
      "\\uffd2-\\uffd7\\uffda-\\uffdc\\u0030-\\u0039\\u0041-\\u005a\\u0061-\\u007a\\u00aa" +
      "\\u00b5\\u00ba\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u02c1\\u02c6-\\u02d1" +
      "\\u02e0-\\u02e4\\u02ec\\u02ee\\u0345\\u0370-\\u0374\\u0376-\\u0377\\u037a-\\u037d\\u037f" +
      "\\u0386\\u0388-\\u038a\\u038c\\u038e-\\u03a1\\u03a3-\\u03f5\\u03f7-\\u0481" +
      "\\u048a-\\u052f\\u0531-\\u0556\\u0559\\u0561-\\u0587\\u05b0-\\u05bd\\u05bf" +
      "\\u05c1-\\u05c2\\u05c4-\\u05c5\\u05c7\\u05d0-\\u05ea\\u05f0-\\u05f2\\u0610-\\u061a" +
      "\\u0620-\\u0657\\u0659-\\u0669\\u066e-\\u06d3\\u06d5-\\u06dc\\u06e1-\\u06e8" +
      "\\u06ed-\\u06fc\\u06ff\\u0710-\\u073f\\u074d-\\u07b1\\u07c0-\\u07ea\\u07f4-\\u07f5" +
      "\\u07fa\\u0800-\\u0817\\u081a-\\u082c\\u0840-\\u0858\\u08a0-\\u08b4\\u08b6-\\u08bd" +
      "\\u08d4-\\u08df\\u08e3-\\u08e9\\u08f0-\\u093b\\u093d-\\u094c\\u094e-\\u0950" +
      "\\u0955-\\u0963\\u0966-\\u096f\\u0971-\\u0983\\u0985-\\u098c\\u098f-\\u0990" +
      "\\u0993-\\u09a8\\u09aa-\\u09b0\\u09b2\\u09b6-\\u09b9\\u09bd-\\u09c4\\u09c7-\\u09c8" +
      "\\u09cb-\\u09cc\\u09ce\\u09d7\\u09dc-\\u09dd\\u09df-\\u09e3\\u09e6-\\u09f1" +
      "\\u0a01-\\u0a03\\u0a05-\\u0a0a\\u0a0f-\\u0a10\\u0a13-\\u0a28\\u0a2a-\\u0a30" +
      "\\u0a32-\\u0a33\\u0a35-\\u0a36\\u0a38-\\u0a39\\u0a3e-\\u0a42\\u0a47-\\u0a48" +
      "\\u0a4b-\\u0a4c\\u0a51\\u0a59-\\u0a5c\\u0a5e\\u0a66-\\u0a75\\u0a81-\\u0a83" +
      "\\u0a85-\\u0a8d\\u0a8f-\\u0a91\\u0a93-\\u0aa8\\u0aaa-\\u0ab0\\u0ab2-\\u0ab3" +
      "\\u0ab5-\\u0ab9\\u0abd-\\u0ac5\\u0ac7-\\u0ac9\\u0acb-\\u0acc\\u0ad0\\u0ae0-\\u0ae3" +
      "\\u0ae6-\\u0aef\\u0af9\\u0b01-\\u0b03\\u0b05-\\u0b0c\\u0b0f-\\u0b10\\u0b13-\\u0b28" +
      "\\u0b2a-\\u0b30\\u0b32-\\u0b33\\u0b35-\\u0b39\\u0b3d-\\u0b44\\u0b47-\\u0b48" +
      "\\u0b4b-\\u0b4c\\u0b56-\\u0b57\\u0b5c-\\u0b5d\\u0b5f-\\u0b63\\u0b66-\\u0b6f\\u0b71" +
      "\\u0b82-\\u0b83\\u0b85-\\u0b8a\\u0b8e-\\u0b90\\u0b92-\\u0b95\\u0b99-\\u0b9a\\u0b9c" +
      "\\u0b9e-\\u0b9f\\u0ba3-\\u0ba4\\u0ba8-\\u0baa\\u0bae-\\u0bb9\\u0bbe-\\u0bc2" +
      "\\u0bc6-\\u0bc8\\u0bca-\\u0bcc\\u0bd0\\u0bd7\\u0be6-\\u0bef\\u0c00-\\u0c03" +
      "\\u0c05-\\u0c0c\\u0c0e-\\u0c10\\u0c12-\\u0c28\\u0c2a-\\u0c39\\u0c3d-\\u0c44" +
      "\\u0c46-\\u0c48\\u0c4a-\\u0c4c\\u0c55-\\u0c56\\u0c58-\\u0c5a\\u0c60-\\u0c63" +
      "\\u0c66-\\u0c6f\\u0c80-\\u0c83\\u0c85-\\u0c8c\\u0c8e-\\u0c90\\u0c92-\\u0ca8" +
      "\\u0caa-\\u0cb3\\u0cb5-\\u0cb9\\u0cbd-\\u0cc4\\u0cc6-\\u0cc8\\u0cca-\\u0ccc" +
      "\\u0cd5-\\u0cd6\\u0cde\\u0ce0-\\u0ce3\\u0ce6-\\u0cef\\u0cf1-\\u0cf2\\u0d01-\\u0d03" +
      "\\u0d05-\\u0d0c\\u0d0e-\\u0d10\\u0d12-\\u0d3a\\u0d3d-\\u0d44\\u0d46-\\u0d48" +
      "\\u0d4a-\\u0d4c\\u0d4e\\u0d54-\\u0d57\\u0d5f-\\u0d63\\u0d66-\\u0d6f\\u0d7a-\\u0d7f" +
      "\\u0d82-\\u0d83\\u0d85-\\u0d96\\u0d9a-\\u0db1\\u0db3-\\u0dbb\\u0dbd\\u0dc0-\\u0dc6" +
      "\\u0dcf-\\u0dd4\\u0dd6\\u0dd8-\\u0ddf\\u0de6-\\u0def\\u0df2-\\u0df3\\u0e01-\\u0e3a" +
      "\\u0e40-\\u0e46\\u0e4d\\u0e50-\\u0e59\\u0e81-\\u0e82\\u0e84\\u0e87-\\u0e88\\u0e8a\\u0e8d" +
      "\\u0e94-\\u0e97\\u0e99-\\u0e9f\\u0ea1-\\u0ea3\\u0ea5\\u0ea7\\u0eaa-\\u0eab" +
      "\\u0ead-\\u0eb9\\u0ebb-\\u0ebd\\u0ec0-\\u0ec4\\u0ec6\\u0ecd\\u0ed0-\\u0ed9" +
      "\\u0edc-\\u0edf\\u0f00\\u0f20-\\u0f29\\u0f40-\\u0f47\\u0f49-\\u0f6c\\u0f71-\\u0f81" +
      "\\u0f88-\\u0f97\\u0f99-\\u0fbc\\u1000-\\u1036\\u1038\\u103b-\\u1049\\u1050-\\u1062" +
      "\\u1065-\\u1068\\u106e-\\u1086\\u108e\\u1090-\\u1099\\u109c-\\u109d\\u10a0-\\u10c5" +
      "\\u10c7\\u10cd\\u10d0-\\u10fa\\u10fc-\\u1248\\u124a-\\u124d\\u1250-\\u1256\\u1258" +
      "\\u125a-\\u125d\\u1260-\\u1288\\u128a-\\u128d\\u1290-\\u12b0\\u12b2-\\u12b5" +
      "\\u12b8-\\u12be\\u12c0\\u12c2-\\u12c5\\u12c8-\\u12d6\\u12d8-\\u1310\\u1312-\\u1315" +
      "\\u1318-\\u135a\\u135f\\u1380-\\u138f\\u13a0-\\u13f5\\u13f8-\\u13fd\\u1401-\\u166c" +
      "\\u166f-\\u167f\\u1681-\\u169a\\u16a0-\\u16ea\\u16ee-\\u16f8\\u1700-\\u170c" +
      "\\u170e-\\u1713\\u1720-\\u1733\\u1740-\\u1753\\u1760-\\u176c\\u176e-\\u1770" +
      "\\u1772-\\u1773\\u1780-\\u17b3\\u17b6-\\u17c8\\u17d7\\u17dc\\u17e0-\\u17e9" +
      "\\u1810-\\u1819\\u1820-\\u1877\\u1880-\\u18aa\\u18b0-\\u18f5\\u1900-\\u191e" +
      "\\u1920-\\u192b\\u1930-\\u1938\\u1946-\\u196d\\u1970-\\u1974\\u1980-\\u19ab" +
      "\\u19b0-\\u19c9\\u19d0-\\u19d9\\u1a00-\\u1a1b\\u1a20-\\u1a5e\\u1a61-\\u1a74" +
      "\\u1a80-\\u1a89\\u1a90-\\u1a99\\u1aa7\\u1b00-\\u1b33\\u1b35-\\u1b43\\u1b45-\\u1b4b" +
      "\\u1b50-\\u1b59\\u1b80-\\u1ba9\\u1bac-\\u1be5\\u1be7-\\u1bf1\\u1c00-\\u1c35" +
      "\\u1c40-\\u1c49\\u1c4d-\\u1c7d\\u1c80-\\u1c88\\u1ce9-\\u1cec\\u1cee-\\u1cf3" +
      "\\u1cf5-\\u1cf6\\u1d00-\\u1dbf\\u1de7-\\u1df4\\u1e00-\\u1f15\\u1f18-\\u1f1d" +
      "\\u1f20-\\u1f45\\u1f48-\\u1f4d\\u1f50-\\u1f57\\u1f59\\u1f5b\\u1f5d\\u1f5f-\\u1f7d" +
      "\\u1f80-\\u1fb4\\u1fb6-\\u1fbc\\u1fbe\\u1fc2-\\u1fc4\\u1fc6-\\u1fcc\\u1fd0-\\u1fd3" +
      "\\u1fd6-\\u1fdb\\u1fe0-\\u1fec\\u1ff2-\\u1ff4\\u1ff6-\\u1ffc\\u2071\\u207f" +
      "\\u2090-\\u209c\\u2102\\u2107\\u210a-\\u2113\\u2115\\u2119-\\u211d\\u2124\\u2126\\u2128" +
      "\\u212a-\\u212d\\u212f-\\u2139\\u213c-\\u213f\\u2145-\\u2149\\u214e\\u2160-\\u2188" +
      "\\u24b6-\\u24e9\\u2c00-\\u2c2e\\u2c30-\\u2c5e\\u2c60-\\u2ce4\\u2ceb-\\u2cee" +
      "\\u2cf2-\\u2cf3\\u2d00-\\u2d25\\u2d27\\u2d2d\\u2d30-\\u2d67\\u2d6f\\u2d80-\\u2d96" +
      "\\u2da0-\\u2da6\\u2da8-\\u2dae\\u2db0-\\u2db6\\u2db8-\\u2dbe\\u2dc0-\\u2dc6" +
      "\\u2dc8-\\u2dce\\u2dd0-\\u2dd6\\u2dd8-\\u2dde\\u2de0-\\u2dff\\u2e2f\\u3005-\\u3007" +
      "\\u3021-\\u3029\\u3031-\\u3035\\u3038-\\u303c\\u3041-\\u3096\\u309d-\\u309f" +
      "\\u30a1-\\u30fa\\u30fc-\\u30ff\\u3105-\\u312d\\u3131-\\u318e\\u31a0-\\u31ba" +
      "\\u31f0-\\u31ff\\u3400-\\u4db5\\u4e00-\\u9fd5\\ua000-\\ua48c\\ua4d0-\\ua4fd" +
      "\\ua500-\\ua60c\\ua610-\\ua62b\\ua640-\\ua66e\\ua674-\\ua67b\\ua67f-\\ua6ef" +
      "\\ua717-\\ua71f\\ua722-\\ua788\\ua78b-\\ua7ae\\ua7b0-\\ua7b7\\ua7f7-\\ua801" +
      "\\ua803-\\ua805\\ua807-\\ua80a\\ua80c-\\ua827\\ua840-\\ua873\\ua880-\\ua8c3\\ua8c5" +
      "\\ua8d0-\\ua8d9\\ua8f2-\\ua8f7\\ua8fb\\ua8fd\\ua900-\\ua92a\\ua930-\\ua952" +
      "\\ua960-\\ua97c\\ua980-\\ua9b2\\ua9b4-\\ua9bf\\ua9cf-\\ua9d9\\ua9e0-\\ua9e4" +
      "\\ua9e6-\\ua9fe\\uaa00-\\uaa36\\uaa40-\\uaa4d\\uaa50-\\uaa59\\uaa60-\\uaa76\\uaa7a" +
      "\\uaa7e-\\uaabe\\uaac0\\uaac2\\uaadb-\\uaadd\\uaae0-\\uaaef\\uaaf2-\\uaaf5" +
      "\\uab01-\\uab06\\uab09-\\uab0e\\uab11-\\uab16\\uab20-\\uab26\\uab28-\\uab2e" +
      "\\uab30-\\uab5a\\uab5c-\\uab65\\uab70-\\uabea\\uabf0-\\uabf9\\uac00-\\ud7a3" +
      "\\ud7b0-\\ud7c6\\ud7cb-\\ud7fb\\uf900-\\ufa6d\\ufa70-\\ufad9\\ufb00-\\ufb06" +
      "\\ufb13-\\ufb17\\ufb1d-\\ufb28\\ufb2a-\\ufb36\\ufb38-\\ufb3c\\ufb3e\\ufb40-\\ufb41" +
      "\\ufb43-\\ufb44\\ufb46-\\ufbb1\\ufbd3-\\ufd3d\\ufd50-\\ufd8f\\ufd92-\\ufdc7" +
      "\\ufdf0-\\ufdfb\\ufe70-\\ufe74\\ufe76-\\ufefc\\uff10-\\uff19\\uff21-\\uff3a" +
      "\\uff41-\\uff5a\\uff66-\\uffbe\\uffc2-\\uffc7\\uffca-\\uffcf\\uffd2-\\uffd7" +
      "\\uffda-\\uffdc";

  var ALLOW_REMOTE_IMAGES = 1;  /* GPM_RENDER_ALLOW_REMOTE_IMAGES */
  var ALLOW_REMOTE_MEDIA = 2;   /* GPM_RENDER_ALLOW_REMOTE_MEDIA */
  var renderFlags = 0;

  /* GPM: a URL the preview would fetch from the network. Relative paths and
   * the data:image URLs markdown-it lets through are local. */
  function isRemote(url) {
    var u = String(url).replace(/^[\u0000-\u0020]+/, "");
    if (/^data:image\//i.test(u)) { return false; }
    return /^[a-z][a-z0-9+.\-]*:/i.test(u) || /^[\/\\]{2}/.test(u) || /^\\/.test(u);
  }

  /* The browser's HTMLMediaElement.canPlayType() (app.helpers.allowedEmbedsMime)
   * has no DOM here: these are the types Firefox and Chromium both answer
   * "maybe"/"probably" for. */
  var PLAYABLE = {
    "video/mp4": true, "video/webm": true, "video/ogg": true,
    "audio/mpeg": true, "audio/mp3": true, "audio/mp4": true, "audio/aac": true,
    "audio/ogg": true, "audio/opus": true, "audio/webm": true, "audio/flac": true,
    "audio/x-flac": true, "audio/wav": true, "audio/wave": true, "audio/x-wav": true,
    "audio/x-m4a": true
  };
  function allowedEmbedsMime(mimetype) {
    return PLAYABLE.hasOwnProperty(String(mimetype[0]).toLowerCase());
  }

  /* GPM: the plugin names a link's type with the mime-db it bundles. diaspora
   * 0.9.1.0 bundles mime-db 1.52.0 (yarn.lock), Debian's build 1.6.0; of the
   * extensions both call audio or video, only .m4a is named differently:
   * "audio/mp4" here, "audio/x-m4a" (the later of the two entries mimoza
   * registers for it) on diaspora. (.opus, .3gpp, .amr… are no media for
   * 1.6.0 at all and never reach the template.) */
  var DIASPORA_MIME_TYPES = { ".m4a": "audio/x-m4a" };
  function diasporaMimeType(url, mimeType) {
    var path = String(url);
    var ext;
    if (/[\\/][^\\/.]+$/.test(path)) { return mimeType; }  /* mimoza's normalize() */
    ext = "." + path.replace(/.*[\.\/\\]/, "").toLowerCase();
    return DIASPORA_MIME_TYPES.hasOwnProperty(ext) ? DIASPORA_MIME_TYPES[ext] : mimeType;
  }

  /* Handlebars' escapeExpression (handlebars 4), for the media template. */
  var HB_ESCAPE = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;",
                    "'": "&#x27;", "`": "&#x60;", "=": "&#x3D;" };
  function hbEscape(s) {
    if (s === null || s === undefined) { return ""; }
    s = String(s);
    return /[&<>"'`=]/.test(s) ? s.replace(/[&<>"'`=]/g, function (c) { return HB_ESCAPE[c]; }) : s;
  }

  /* app/assets/templates/media-embed_tpl.jst.hbs, rendered the way Handlebars
   * renders it (standalone {{#if}}/{{/if}} lines removed). */
  function mediaEmbedTemplate(ctx) {
    var srcAttr = "src";
    if (!(renderFlags & ALLOW_REMOTE_MEDIA) && isRemote(ctx.sourceURL)) {
      srcAttr = "data-remote-src";  /* GPM */
    }
    var out = "<div class=\"media-embed\">\n";
    if (ctx.needsCover) { out += "  <div class=\"thumb\">\n"; }
    out += "\n" +
      "    <" + hbEscape(ctx.mediaType) + " " + ctx.attributes + ">\n" +
      "      <source type=\"" + hbEscape(ctx.mimetype) + "\" " + srcAttr + "=\"" + hbEscape(ctx.sourceURL) + "\" />\n" +
      "      " + hbEscape(ctx.title) + "\n" +
      "    </" + hbEscape(ctx.mediaType) + ">\n" +
      "\n";
    if (ctx.needsCover) {
      out += "    <div class=\"video-overlay\">\n" +
        "      <div class=\"video-info\">\n" +
        "        <div class=\"title\">" + hbEscape(ctx.title) + "</div>\n" +
        "      </div>\n" +
        "    </div>\n" +
        "  </div>\n";
    }
    out += "</div>\n";
    return out;
  }

  var md = global.markdownit({
    breaks:      true,
    html:        true,
    linkify:     true,
    typographer: true
  });

  md.use(global.markdownitFootnote);

  var inlinePlugin = global.markdownitForInline;
  md.use(inlinePlugin, "utf8_symbols", "text", function (tokens, idx) {
    tokens[idx].content = tokens[idx].content.replace(/<->/g, "\u2194")
                                             .replace(/<-/g,  "\u2190")
                                             .replace(/->/g,  "\u2192")
                                             .replace(/<3/g,  "\u2665");
  });

  md.use(inlinePlugin, "link_new_window_and_missing_http", "link_open", function (tokens, idx) {
    tokens[idx].attrs.forEach(function (attribute, index, array) {
      if (attribute[0] === "href") {
        array[index][1] = attribute[1].replace(/^www\./, "http://www.");
      }
    });
    tokens[idx].attrPush(["target", "_blank"]);
    tokens[idx].attrPush(["rel", "noopener noreferrer"]);
  });

  md.use(inlinePlugin, "responsive_images", "image", function (tokens, idx) {
    tokens[idx].attrPush(["class", "img-responsive"]);
  });

  md.use(global.markdownitHashtag, {
    hashtagRegExp: "[" + WORD +
                         "\\u055b" + /* Armenian emphasis mark */
                         "\\u055c" + /* Armenian exclamation mark */
                         "\\u055e" + /* Armenian question mark */
                         "\\u058a" + /* Armenian hyphen */
                         "_" +
                         "\\-" +
                   "]+|<3",
    preceding: "^|\\s"
  });

  /* GPM: called directly rather than through md.use() (which is the same
   * call) to keep the plugin object, so each render can set the post's
   * mentioned people the way text_formatter(text, mentions) does. */
  var mentionPlugin = global.markdownitDiasporaMention(md, {
    mentions: [],
    allowHovercards: true,
    currentUserId: undefined
  });

  md.use(global.markdownitSub);
  md.use(global.markdownitSup);
  md.use(global.markdownitSanitizer, { imageClass: "img-responsive" });

  /* diaspora highlights fenced code with highlight.js; that is not bundled
   * here, so code keeps markdown-it's own escaping (what diaspora shows for
   * languages highlight.js does not know). */
  md.set({
    highlight: function () { return ""; }
  });

  md.linkify.add("xmpp:", "mailto:");
  md.linkify.add("mumble:", "http:");
  md.linkify.set({ fuzzyLink: false });

  /* GPM (speed only; the results are the same): linkify-it's validators run their
   * host regexp twice per candidate link, test() then match(). JavaScriptCore cannot
   * JIT-compile those regexps (variable-count groups), and its regexp interpreter is
   * slow, so run each once. The regexps themselves are linkify-it's, built by its own
   * validators on the first call. */
  (function () {
    var linkify = md.linkify;
    var compiled = linkify.__compiled__;
    var httpValidate = compiled["http:"].validate;
    var noHttpValidate = compiled["//"].validate;
    var mailtoValidate = compiled["mailto:"].validate;

    function lengthOf(re, text, pos) {
      var m = re.exec(text.slice(pos));
      return m ? m[0].length : 0;
    }

    /* The interpreter's cost grows with the backtracking state a match keeps, so
     * http and no_http, which are "^" + HEAD + src_path where src_path is one
     * optional group "(?:[/?#]...|\/)?", are run as two regexps: HEAD, then the
     * path from where HEAD ended. That is the same match: an optional group at
     * the end of a pattern always succeeds, so the first HEAD match in
     * backtracking order is final and the path then takes its own first match at
     * that position. Inside the path "^" (start of input) can never match in
     * either form (every path alternative first consumes "/", "?" or "#") and
     * src_path has no lookbehind or \b that could see the text before it. The
     * split is used only if the pieces rebuild linkify-it's exact regexp. */
    /* @src is one group that spans it all, "(...)?": no ")" closes the
     * outermost group before the final ")?". */
    function isWholeGroup(src) {
      var depth = 0, inClass = false;
      if (src.slice(-2) !== ")?") { return false; }
      for (var k = 0; k < src.length; k++) {
        var c = src[k];
        if (c === "\\") { k++; continue; }
        if (inClass) { if (c === "]") { inClass = false; } continue; }
        if (c === "[") { inClass = true; continue; }
        if (c === "(") { depth++; }
        else if (c === ")") {
          depth--;
          if (depth === 0 && k !== src.length - 2) { return false; }
        }
      }
      return depth === 0;
    }

    function isOneOptionalGroup(src) {
      return src.slice(0, 8) === "(?:[/?#]" && !/\\[bB]|\(\?<[=!]/.test(src) && isWholeGroup(src);
    }

    /* The path itself is "(?:[/?#](?:Y)+|\/)?". Nothing follows the (?:Y)+ loop,
     * so it never backtracks: each step takes the first match of Y where the last
     * one ended, until Y no longer matches. Running Y as a sticky regexp step by
     * step gives that same match with far less interpreter state. */
    var PATH_HEAD = "(?:[/?#](?:", PATH_TAIL = ")+|\\/)?";

    /* src_auth is one optional group "(?:(?:...)+@)?": whatever the group
     * matches ends with "@". Where the text has no "@" the group can only
     * match empty, so HEAD without it gives the same match, and skips the
     * interpreter's backtracking over the whole host, character by character,
     * looking for an "@" (most of the time of a link). */
    function withoutAuth(head, self) {
      var auth = self.re.src_auth;
      if (typeof auth !== "string" || auth.slice(0, 3) !== "(?:" || auth.slice(-4) !== "+@)?" ||
          !isWholeGroup(auth) || head.split(auth).length !== 2) {
        return null;
      }
      return head.replace(auth, function () { return ""; });
    }

    function splitRegExp(whole, head, self) {
      var path = self.re.src_path;
      var split, noAuth;
      if (!isOneOptionalGroup(path) ||
          new RegExp(head + path, whole.flags).source !== whole.source) {
        return null;
      }
      noAuth = withoutAuth(head, self);
      split = { head: new RegExp(head, whole.flags), path: new RegExp("^" + path, whole.flags), step: null,
                headNoAuth: noAuth === null ? null : new RegExp(noAuth, whole.flags) };
      if (path.slice(0, PATH_HEAD.length) === PATH_HEAD && path.slice(-PATH_TAIL.length) === PATH_TAIL) {
        var y = path.slice(PATH_HEAD.length, path.length - PATH_TAIL.length);
        if (PATH_HEAD + y + PATH_TAIL === path) {
          split.step = new RegExp("(?:" + y + ")", whole.flags + "y");
        }
      }
      return split;
    }

    function pathLength(split, s) {
      var c = s.charAt(0), at = 1, m;
      if (split.step === null) {
        m = split.path.exec(s);
        return m ? m[0].length : 0;
      }
      if (c !== "/" && c !== "?" && c !== "#") { return 0; }
      for (;;) {
        split.step.lastIndex = at;
        m = split.step.exec(s);
        if (m === null) { break; }
        if (m[0].length === 0) {
          /* cannot happen with linkify-it's Y; use the plain regexp if it does */
          m = split.path.exec(s);
          return m ? m[0].length : 0;
        }
        at += m[0].length;
      }
      if (at > 1) { return at; }
      return c === "/" ? 1 : 0;
    }

    function splitLength(split, text, pos) {
      var tail = text.slice(pos);
      var m = (split.headNoAuth !== null && tail.indexOf("@") < 0 ? split.headNoAuth : split.head).exec(tail);
      if (!m) { return 0; }
      return m[0].length + pathLength(split, tail.slice(m[0].length));
    }

    var httpSplit = null, noHttpSplit = null;

    function fastHttp(text, pos, self) {
      if (!self.re.http) { httpValidate("", 0, self); }  /* builds self.re.http */
      if (httpSplit === null || httpSplit.whole !== self.re.http) {
        httpSplit = splitRegExp(self.re.http, "^\\/\\/" + self.re.src_auth + self.re.src_host_port_strict, self) ||
                    { head: null };
        httpSplit.whole = self.re.http;
      }
      return httpSplit.head ? splitLength(httpSplit, text, pos) : lengthOf(self.re.http, text, pos);
    }

    function fastNoHttp(text, pos, self) {
      if (!self.re.no_http) { noHttpValidate("", 0, self); }  /* builds self.re.no_http */
      /* should not be "://" or "///" (checked after the regexp in linkify-it;
       * the regexp has no side effects, so the order does not matter) */
      if (pos >= 3 && (text[pos - 3] === ":" || text[pos - 3] === "/")) { return 0; }
      if (noHttpSplit === null || noHttpSplit.whole !== self.re.no_http) {
        noHttpSplit = splitRegExp(self.re.no_http,
                                  "^" + self.re.src_auth +
                                  "(?:localhost|(?:(?:" + self.re.src_domain + ")\\.)+" + self.re.src_domain_root + ")" +
                                  self.re.src_port + self.re.src_host_terminator, self) ||
                      { head: null };
        noHttpSplit.whole = self.re.no_http;
      }
      return noHttpSplit.head ? splitLength(noHttpSplit, text, pos) : lengthOf(self.re.no_http, text, pos);
    }

    function fastMailto(text, pos, self) {
      if (!self.re.mailto) { mailtoValidate("", 0, self); }  /* builds self.re.mailto */
      return lengthOf(self.re.mailto, text, pos);
    }

    Object.keys(compiled).forEach(function (name) {
      var entry = compiled[name];
      if (entry.validate === httpValidate) { entry.validate = fastHttp; }
      else if (entry.validate === noHttpValidate) { entry.validate = fastNoHttp; }
      else if (entry.validate === mailtoValidate) { entry.validate = fastMailto; }
    });
  })();

  md.renderer.rules.table_open = function () { return "<table class=\"table table-striped\">\n"; };

  md.use(global.markdownitHTML5Embed, { html5embed: {
    inline: false,
    autoAppend: true,
    renderFn: function handleBarsRenderFn(parsed, mediaAttributes) {
      var attributes = mediaAttributes[parsed.mediaType];
      return mediaEmbedTemplate({
        mediaType: parsed.mediaType,
        attributes: attributes,
        mimetype: diasporaMimeType(parsed.url, parsed.mimeType),
        sourceURL: parsed.url,
        title: parsed.title,
        fallback: parsed.fallback,
        needsCover: parsed.mediaType === "video"
      });
    },
    attributes: {
      "audio": "controls preload=none",
      "video": "preload=none"
    },
    isAllowedMimeType: allowedEmbedsMime
  }});

  /* GPM: keep remote images out unless allowed. Markdown images go through
   * the image renderer; raw <img> tags have been rewritten by the sanitizer
   * into exactly '<img src="URL" ...>' (every other '<' in html tokens is
   * escaped by then), so those are handled on the token content. */
  var defaultImage = md.renderer.rules.image;
  md.renderer.rules.image = function (tokens, idx, options, env, self) {
    var token = tokens[idx];
    var i = token.attrIndex("src");
    if (!(renderFlags & ALLOW_REMOTE_IMAGES) && i >= 0 && isRemote(token.attrs[i][1])) {
      token.attrs[i][0] = "data-remote-src";
    }
    return defaultImage(tokens, idx, options, env, self);
  };

  function blockRawImages(html) {
    return html.replace(/<img src="([^"]*)"/g, function (m, url) {
      return isRemote(url) ? "<img data-remote-src=\"" + url + "\"" : m;
    });
  }

  md.core.ruler.push("gpm_remote_images", function (state) {
    if (renderFlags & ALLOW_REMOTE_IMAGES) { return; }
    state.tokens.forEach(function (block) {
      if (block.type === "html_block") {
        block.content = blockRawImages(block.content);
      } else if (block.type === "inline" && block.children) {
        block.children.forEach(function (t) {
          if (t.type === "html_inline") { t.content = blockRawImages(t.content); }
        });
      }
    });
  });

  function escapeAttr(s) {
    return md.utils.escapeHtml(String(s === null || s === undefined ? "" : s));
  }

  /* text: the Markdown; flags: GpmRenderFlags; mentionsJson: null or a JSON
   * array of {diaspora_id, guid, name, url}; currentUserGuid: null or the
   * viewer's guid (their own mentions get no hovercard class). */
  global.gpmRender = function (text, flags, mentionsJson, currentUserGuid) {
    var mentions = [];
    if (mentionsJson) {
      mentions = JSON.parse(mentionsJson).map(function (p) {
        return {
          diaspora_id: String(p.diaspora_id),
          handle: String(p.diaspora_id),
          guid: escapeAttr(p.guid),
          name: p.name === null || p.name === undefined ? "" : String(p.name),
          url: p.url ? escapeAttr(p.url) : undefined
        };
      });
    }
    mentionPlugin.mentions = mentions;
    mentionPlugin.currentUserId = currentUserGuid ? String(currentUserGuid) : undefined;
    renderFlags = flags | 0;
    return md.render(String(text));
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
