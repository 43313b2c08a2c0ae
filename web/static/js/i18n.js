// i18n.js - the UI in Japanese (default, source of truth) and English.
// The choice is a cookie `tg_lang=ja|en` (not personal data; no web storage), read
// when this module loads, so it is applied before the first render.
// Add a string: put `'area.key': ['日本語', 'English']` in STRINGS and use t('area.key').
// Interpolation: t('home.count', { n: 3 }) with '{n}件あります。' / '{n} items.'.

export const LANGS = ['ja', 'en'];
const COOKIE = 'tg_lang';

function readCookie() {
  const m = /(?:^|;\s*)tg_lang=(ja|en)(?:;|$)/.exec(document.cookie || '');
  return m ? m[1] : 'ja';
}

let current = readCookie();
const listeners = [];

export function lang() { return current; }
export function isEn() { return current === 'en'; }

/** t('key', {name: 'x'}) -> the string in the current language; {name} replaced. */
/** A result count for display: "約120" / "about 120" when the server estimated it. */
export function countText(data) {
  return data.total_exact === false ? t('count.about', { n: data.total }) : data.total;
}

export function t(key, params) {
  const pair = STRINGS[key];
  let s;
  if (!pair) s = key; // a missing key shows itself (caught by tests/browser)
  else s = (current === 'en' && pair[1]) ? pair[1] : pair[0];
  // English singular: a key with "_one" is used when params.n is 1
  if (current === 'en' && params && params.n === 1 && STRINGS[`${key}_one`]) s = STRINGS[`${key}_one`][1];
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined && params[k] !== null ? String(params[k]) : m));
  return s;
}

/**
 * Server messages are "日本語の文 (English sentence)": the part in the final
 * parentheses in English, the part before it in Japanese. Anything else as is.
 */
export function splitMessage(msg) {
  const s = String(msg || '').trim();
  if (!s.endsWith(')')) return { ja: s, en: s };
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i -= 1) {
    if (s[i] === ')') depth += 1;
    else if (s[i] === '(') {
      depth -= 1;
      if (depth === 0) {
        const ja = s.slice(0, i).trim();
        const en = s.slice(i + 1, -1).trim();
        if (!ja || !en) return { ja: s, en: s };
        return { ja, en };
      }
    }
  }
  return { ja: s, en: s };
}
export function localMessage(msg) {
  const p = splitMessage(msg);
  return current === 'en' ? p.en : p.ja;
}

/** t(key), or fallback when there is no such key. */
export function tOr(key, fallback) {
  return STRINGS[key] ? t(key) : fallback;
}

/** A meta type/tag {name_ja, name_en}: the name in the current language. */
export function metaName(x) {
  if (!x) return '';
  return current === 'en' && x.name_en ? x.name_en : x.name_ja;
}

/** Set texts of the static HTML: data-i18n (textContent), data-i18n-label (aria-label), data-i18n-content. */
export function applyStatic(root = document) {
  document.documentElement.lang = current;
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-label]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.i18nLabel)); });
  root.querySelectorAll('[data-i18n-content]').forEach((el) => { el.setAttribute('content', t(el.dataset.i18nContent)); });
  root.querySelectorAll('.lang-switch button').forEach((b) => b.setAttribute('aria-pressed', String(b.value === current)));
}

export function onLangChange(fn) { listeners.push(fn); }

export function setLang(l) {
  if (!LANGS.includes(l)) return;
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${COOKIE}=${l}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
  if (l === current) return;
  current = l;
  applyStatic();
  listeners.forEach((fn) => fn(l));
}

/**
 * The header switch: two buttons 「日本語」「English」 with aria-pressed, each in its own
 * language. canLeave() may veto (unsaved changes).
 */
export function mountLangSwitch(el, canLeave = () => true) {
  while (el.firstChild) el.removeChild(el.firstChild);
  el.classList.add('lang-switch');
  el.setAttribute('role', 'group');
  el.dataset.i18nLabel = 'lang.switch';
  el.setAttribute('aria-label', t('lang.switch'));
  for (const [code, label] of [['ja', '日本語'], ['en', 'English']]) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'lang-btn';
    b.value = code;
    b.lang = code;
    b.textContent = label;
    b.setAttribute('aria-pressed', String(code === current));
    b.addEventListener('click', () => { if (code !== current && canLeave()) setLang(code); });
    el.appendChild(b);
  }
}

document.documentElement.lang = current;

// ---- The dictionary: key -> [日本語, English]. Japanese is the source of truth. ----
/* eslint-disable quote-props */
const STRINGS = {
  // language switch
  'lang.switch': ['表示する言語 Language', 'Language 表示する言語'],
  // errors (api.js)
  'err.network': ['通信できませんでした。ネットワークを確認して、もう一度お試しください。', 'Could not connect. Check the network and try again.'],
  'err.400': ['入力内容を確認してください。', 'Please check what you entered.'],
  'err.401': ['ログインが必要です。', 'Please log in.'],
  'err.403': ['この操作をする権限がありません。', 'You are not allowed to do this.'],
  'err.404': ['見つかりませんでした。削除された可能性があります。', 'Not found. It may have been deleted.'],
  'err.409': ['ほかの人が先に保存しました。', 'Someone else saved first.'],
  'err.413': ['ファイルが大きすぎます。', 'The file is too large.'],
  'err.415': ['この形式のファイルは受け付けられません。', 'This file type is not accepted.'],
  'err.429': ['試行が多すぎます。しばらく待ってからもう一度お試しください。', 'Too many attempts. Wait a little and try again.'],
  'err.500': ['サーバーでエラーが起きました。時間をおいてもう一度お試しください。', 'The server had an error. Please try again later.'],
  'err.503': ['サーバーが混みあっています。少し待ってからもう一度お試しください。', 'The server is busy. Wait a little and try again.'],
  'err.status': ['エラー ({status})', 'Error ({status})'],
  // format.js
  'age.any': ['年齢の制限なし', 'Any age'],
  'fee.free': ['無料', 'Free'],
  'fee.free_note': ['無料（{text}）', 'Free ({text})'],
  'fee.paid': ['有料', 'Paid'],
  'fee.unknown': ['未確認（料金がかかるかどうか、まだ確かめていません）', 'Not checked (whether there is a charge is not known yet)'],
  'fee.unknown_public': ['わかりません（行く前にお問い合わせください）', 'Not known (please ask before you go)'],
  'role.admin': ['管理者', 'Administrator'],
  'role.coordinator': ['コーディネーター', 'Coordinator'],
  'role.staff': ['スタッフ', 'Staff'],
  'role.volunteer': ['ボランティア', 'Volunteer'],
  'role.viewer': ['閲覧のみ', 'Read only'],
  // render.js: badges, results, resource body
  'list.sep': ['、', ', '],
  'badge.open': ['● 今開いています', '● Open now'],
  'badge.open_public': ['● いま開いています', '● Open now'],
  'badge.due': ['⚠ 要確認', '⚠ Check needed'],
  'badge.private': ['非公開', 'Not public'],
  'badge.confidential': ['所在地非公開', 'Address hidden'],
  'result.ages': ['対象：{ages}', 'Ages: {ages}'],
  'result.distance': ['距離：{d}', 'Distance: {d}'],
  'result.also': ['ほかに一致：', 'Also matched: '],
  'also.open': ['「', ' “'],
  'also.close': ['」', '”'],
  'also.kana': ['読みがな', 'Reading'],
  'also.org': ['運営', 'Organization'],
  'also.type': ['種別', 'Type'],
  'also.service': ['サービス', 'Service'],
  'also.access': ['設備', 'Facilities'],
  'also.area': ['地域', 'Area'],
  'also.address': ['所在地', 'Address'],
  'also.access_notes': ['バリアフリー', 'Accessibility'],
  'also.schedule_note': ['開所時間', 'Hours'],
  'also.fee': ['利用料', 'Fee'],
  'hours.caption': ['開所時間', 'Opening hours'],
  'hours.caption_public': ['開いている時間', 'Opening hours'],
  'hours.day': ['曜日', 'Day'],
  'hours.time': ['時間', 'Time'],
  'hours.closed': ['休み', 'Closed'],
  // The hours that apply today (render.js todayBox): {note} is exc.note or empty.
  'today.open': ['今日（{date}）：{hours}{note}', 'Today ({date}): {hours}{note}'],
  'today.closed': ['今日（{date}）はお休みです{note}', 'Closed today ({date}){note}'],
  'today.if_holiday': ['※ 今日が祝日のときは {hours} です。', 'If today is a public holiday: {hours}.'],
  'today.if_holiday_closed': ['※ 今日が祝日のときはお休みです。', 'If today is a public holiday: closed.'],
  'today.mark': ['（今日）', ' (today)'],
  'exc.title': ['臨時の休み・変更', 'Special closures and changes'],
  'exc.title_public': ['いつもとちがう日', 'Days with different hours'],
  'exc.date': ['{date}：', '{date}: '],
  'exc.closed': ['お休み', 'Closed'],
  'exc.note': ['（{note}）', ' ({note})'],
  'link.new_tab': ['（新しいタブで開きます）', ' (opens in a new tab)'],
  'res.address_hidden': ['所在地は非公開', 'Address not public'],
  'res.none': ['登録なし', 'Not recorded'],
  'res.front_door': ['お問い合わせ先：{v}', 'Contact: {v}'],
  'res.phone_label': ['電話：', 'Phone: '],
  'res.email_label': ['メール：', 'Email: '],
  'res.url_label': ['ホームページ：', 'Website: '],
  'res.type': ['種別', 'Type'],
  'res.org': ['運営', 'Run by'],
  'res.org_public': ['運営', 'Run by'],
  'res.address_public': ['住所', 'Address'],
  'res.area': ['地域', 'Area'],
  'res.address': ['所在地', 'Address'],
  'res.ages': ['対象年齢', 'Ages'],
  'res.ages_public': ['対象の年齢', 'Ages'],
  'res.fee': ['利用料', 'Fee'],
  'res.fee_public': ['料金', 'Fee'],
  'res.capacity': ['定員', 'Capacity'],
  'res.capacity_n': ['{n}人', '{n} people'],
  'res.services': ['サービス', 'Services'],
  'res.access': ['バリアフリー', 'Accessibility'],
  'res.access_notes': ['設備などのメモ', 'Facility notes'],
  'res.contact': ['連絡先', 'Contact'],
  'res.public': ['公開', 'Public'],
  'res.public_yes': ['公開（家族向けページに表示）', 'Public (shown on the family page)'],
  'res.public_no': ['非公開（スタッフのみ）', 'Not public (staff only)'],
  'res.verified': ['最終確認日', 'Last checked'],
  'res.unverified': ['未確認', 'Not checked yet'],
  'list.dot': ['・', ' · '],
  // app.js, app.html
  'app.title': ['つなぐ スタッフ', 'Tsunagu staff'],
  'app.brand_sub': ['スタッフ', 'Staff'],
  'app.loading': ['読み込み中…', 'Loading…'],
  'app.skip': ['本文へ移動', 'Skip to content'],
  'nav.label': ['メインメニュー', 'Main menu'],
  'nav.home': ['ホーム', 'Home'],
  'nav.search': ['さがす', 'Search'],
  'nav.settings': ['設定', 'Settings'],
  'nav.logout': ['ログアウト', 'Log out'],
  'nav.user': ['{name}（{role}）', '{name} ({role})'],
  'app.not_found': ['ページが見つかりません', 'Page not found'],
  'app.to_home': ['ホームへ', 'Go to Home'],
  // public page (index.html, public.js): plain, friendly words
  'title.page': ['{page} - つなぐ', '{page} - Tsunagu'],
  'map.label': ['地図', 'Map'],
  'map.of': ['{name}の地図', 'Map of {name}'],
  'pub.title': ['つなぐ 子育ての場所さがし', 'Tsunagu: places for families with children'],
  'pub.description': ['近くの子育てひろばや、子どもと行ける場所をさがせます。', 'Find drop-in places for parents and children, and other places to go with your child.'],
  'pub.brand_sub': ['子育ての場所さがし', 'Places for families'],
  'pub.staff_link': ['スタッフの方はこちら', 'For staff'],
  'pub.footer': ['のっている情報は変わることがあります。おでかけの前に、電話などでたしかめてください。', 'Details may change. Please call or check before you go.'],
  'pub.type_all': ['すべて', 'All'],
  'pub.form_label': ['場所をさがす', 'Find a place'],
  'pub.q': ['なまえ・ことば', 'Name or words'],
  'pub.q_hint': ['例：ひろば、子ども食堂、〇〇町', 'e.g. hiroba, children’s cafeteria, a town name'],
  'pub.age': ['お子さんの年齢', 'Your child’s age'],
  'pub.age_y': ['さい', 'years'],
  'pub.age_m': ['か月', 'months'],
  'pub.type': ['場所の種類', 'Kind of place'],
  'pub.today': ['今日開いているところ', 'Open today'],
  'pub.free': ['無料のところ', 'Free of charge'],
  'pub.near': ['近い順にならべる（今いる場所を使います）', 'Nearest first (uses your location)'],
  'pub.submit': ['さがす', 'Search'],
  'pub.geo_error': ['今いる場所がわかりませんでした。スマートフォンの位置情報の設定をたしかめてください。', 'Could not find your location. Check the location setting of your phone.'],
  'pub.searching': ['さがしています…', 'Searching…'],
  'pub.results': ['さがした結果', 'Results'],
  'pub.h1': ['子育ての場所をさがす', 'Find places for you and your child'],
  'pub.lead': ['近くの子育てひろばや、子どもといっしょに行ける場所をさがせます。', 'Find drop-in places for parents and children nearby, and other places to go with your child.'],
  'pub.map_label': ['さがした場所の地図', 'Map of the results'],
  'pub.none': ['見つかりませんでした。', 'Nothing found.'],
  'pub.none_hint': ['ことばを短くしたり、チェックをはずしたりして、もう一度さがしてみてください。', 'Try fewer words or fewer ticked boxes, and search again.'],
  'pub.reset': ['条件をはずして さがす', 'Search without conditions'],
  'pub.found': ['{n}か所 見つかりました。', '{n} places found.'],
  // Kinds of place as families say them (public page; the staff app keeps the field's names).
  // Custom types show their own name.
  'kind.hub': ['子育てひろば（子育て支援拠点）', 'Child-rearing drop-in centre'],
  'kind.tsudoi': ['親子のひろば', 'Parent-and-child drop-in place'],
  'kind.supporter': ['子育て支援者のいる場所', 'Place with a child-rearing supporter'],
  'kind.nursery': ['保育園・こども園のひろば', 'Nursery open days'],
  'kind.kindergarten': ['幼稚園のひろば', 'Kindergarten open days'],
  'kind.salon': ['子育てサロン', 'Parenting salon'],
  'kind.kodomo_shokudo': ['子ども食堂', 'Children’s diner'],
  'kind.study_support': ['勉強をみてくれる場所（学習支援）', 'Homework help'],
  'kind.consultation': ['相談できるところ', 'Where to ask for advice'],
  'kind.food_bank': ['食べものを受け取れるところ（フードバンク）', 'Food bank'],
  'pub.found_shown': ['{n}か所 見つかりました（{shown}か所を表示）。', '{n} places found (showing {shown}).'],
  'pub.more': ['もっと見る', 'Show more places'],
  'pub.found_one': ['{n}か所 見つかりました。', '1 place found.'],
  'pub.load_error': ['うまく読みこめませんでした。時間をおいて、もう一度ためしてください。', 'Could not load the results. Please try again later.'],
  'pub.err_q': ['ことばが長すぎるか、多すぎます。ことばを短くするか、へらして、もう一度さがしてください。', 'The words are too long or too many. Use shorter or fewer words and search again.'],
  'pub.err_age': ['お子さんの年齢は、0〜18さい と 0〜11か月 の数字で入れてください。', 'Enter your child’s age as numbers: 0–18 years and 0–11 months.'],
  'pub.err_near': ['今いる場所がうまくわかりませんでした。「近い順」のチェックをはずして、もう一度さがしてください。', 'Your location could not be used. Untick “Nearest first” and search again.'],
  'pub.err_other': ['この条件ではさがせませんでした（{msg}）。条件をかえて、もう一度さがしてください。', 'Could not search with these conditions ({msg}). Change them and search again.'],
  'pub.detail_error': ['うまく読みこめませんでした', 'Could not load this page'],
  'pub.detail_none': ['見つかりませんでした', 'Not found'],
  'pub.detail_none_text': ['この場所の情報はありません。', 'There is no information about this place.'],
  'pub.back': ['さがす画面にもどる', 'Back to search'],
  'router.leave': ['保存していない変更があります。このページを離れると変更は失われます。離れますか？', 'You have unsaved changes. They will be lost if you leave this page. Leave?'],
  'map.error': ['地図を読み込めませんでした。', 'Could not load the map.'],
  'map.tiles_ask': ['道や建物の地図は、外部の地図サービス（{host}）から読み込みます。表示すると、見ている地域とお使いの端末の情報（IPアドレス）が、そのサービスに伝わります。表示しなくても、場所さがしはそのまま使えます。',
    'Streets and buildings on the map come from an outside map service ({host}). Showing them tells that service the area you are viewing and your device’s IP address. You can search without them.'],
  'map.tiles_show': ['道や建物の地図を表示する', 'Show streets and buildings'],
  'map.tiles_shown': ['地図に道や建物を表示しました。', 'Streets and buildings are shown on the map.'],
  'map.hidden_note_one': ['所在地非公開の場所のため、地図の道や建物は表示していません（外部の地図サービスに位置が伝わらないようにするため）。',
    'This place’s location is private, so streets and buildings are not shown (an outside map service would learn where it is).'],
  'map.hidden_drop': ['所在地非公開の場所を外して、道や建物を表示する', 'Leave private places off the map and show streets and buildings'],
  'map.hidden_dropped': ['所在地非公開の場所（{names}）は、この地図には出していません。一覧にはあります。',
    'Places with a private location ({names}) are left off this map. They are in the list.'],
  'map.hidden_note': ['所在地非公開の場所（{names}）が含まれるため、地図の道や建物は表示していません（外部の地図サービスに位置が伝わらないようにするため）。',
    'A place with a private location ({names}) is on this map, so streets and buildings are not shown (an outside map service would learn where it is).'],
  // login
  'login.title': ['ログイン', 'Log in'],
  'login.h1': ['スタッフ ログイン', 'Staff log in'],
  'login.id': ['ログインID', 'Login ID'],
  'login.pw': ['パスワード', 'Password'],
  'login.submit': ['ログイン', 'Log in'],
  'login.public_link': ['家族向けのページ（ログイン不要）へ', 'Go to the page for families (no login)'],
  'login.empty': ['ログインIDとパスワードを入力してください。', 'Enter your login ID and password.'],
  'login.wrong': ['ログインIDまたはパスワードが違います。もう一度入力してください。', 'Wrong login ID or password. Please try again.'],
  'login.expired': ['ログインの有効期限が切れました。もう一度ログインしてください。', 'Your session has ended. Please log in again.'],
  'login.draft_kept': ['入力中の内容は消えていません。ログインすると、元の画面に戻ります。', 'What you were typing is kept. After you log in, it comes back on the same screen.'],
  // home
  'home.q': ['場所をさがす（名前・キーワード）', 'Find a place (name or keyword)'],
  'home.hello': ['{name}さん、こんにちは。', 'Hello, {name}.'],
  'home.due': ['確認が必要な情報', 'Needs checking'],
  'home.due_hint': ['しばらく確認されていない場所の情報です。内容が正しいか確かめて「情報を確認済みにする」を押してください。', 'These places have not been checked for a while. Check the details and press “Mark as checked”.'],
  'home.new': ['＋ 新しい場所を登録する', '+ Add a new place'],
  'home.due_none': ['確認が必要な情報はありません。おつかれさまです。', 'Nothing needs checking. Well done.'],
  'home.due_count': ['{n}件あります。', '{n} to check.'],
  'home.due_more': ['{n}件以上あります。古く登録された順に{n}件を表示しています。確認を済ませると次が表示されます。', 'More than {n} to check. The {n} registered first are shown; the next ones appear as these are checked.'],
  'home.due_item': ['　{type}・最終確認 {date}', ' {type} · last checked {date}'],
  // staff search
  'search.area_all': ['すべての地域', 'All areas'],
  'search.title_q': ['さがす「{q}」', 'Search “{q}”'],
  'search.unset': ['指定なし', 'Any'],
  'search.from_here': ['現在地から', 'From my location'],
  'search.from_place': ['「{name}」から', 'From “{name}”'],
  'search.no_limit': ['制限なし', 'No limit'],
  'search.within': ['{v} km 以内', 'Within {v} km'],
  'search.sort_default': ['おすすめ順', 'Recommended'],
  'search.sort_relevance': ['一致する順', 'Best match'],
  'search.sort_distance': ['近い順', 'Nearest first'],
  'search.sort_name': ['名前順', 'By name'],
  'search.filters': ['条件をしぼる', 'Filters'],
  'search.filters_n': ['条件をしぼる（{n}件 指定中）', 'Filters ({n} set)'],
  'search.age': ['子どもの年齢', 'Child’s age'],
  'search.age_y': ['歳', 'years'],
  'search.age_m': ['か月', 'months'],
  'search.err_age': ['子どもの年齢は 0〜18歳 と 0〜11か月 の整数で入力してください。', 'Enter the child’s age as whole numbers: 0–18 years and 0–11 months.'],
  'search.open_days': ['開いている日', 'Open on'],
  'search.open_now': ['今開いている', 'Open now'],
  'search.free': ['無料のみ', 'Free only'],
  'search.distance': ['距離', 'Distance'],
  'search.origin': ['基準の場所', 'Measured from'],
  'search.radius': ['範囲', 'Radius'],
  'search.sort': ['並び順', 'Sort by'],
  'search.form_label': ['場所の検索', 'Search places'],
  'search.q': ['キーワード（名前・説明・住所など）', 'Keywords (name, description, address…)'],
  'search.apply': ['この条件でさがす', 'Search with these filters'],
  'search.clear': ['条件をすべてはずす', 'Clear all filters'],
  'search.geo_error': ['現在地を取得できませんでした。端末の位置情報の設定を確認するか、「基準の場所」を「指定なし」にしてください。', 'Could not get your location. Check the device’s location setting, or set “Measured from” to “Any”.'],
  'search.need_origin_sort': ['近い順にならべるには「基準の場所」を選んでください（「現在地から」、または場所の詳細画面の「この場所の近くをさがす」から）。', 'To sort nearest first, choose “Measured from” (“From my location”, or “Search near this place” on a place’s page).'],
  'search.need_origin_radius': ['範囲でしぼるには「基準の場所」を選んでください（「現在地から」、または場所の詳細画面の「この場所の近くをさがす」から）。', 'To limit the distance, choose “Measured from” (“From my location”, or “Search near this place” on a place’s page).'],
  'search.searching': ['検索中…', 'Searching…'],
  'search.results': ['検索結果', 'Results'],
  'search.more': ['もっと見る', 'Show more'],
  'search.map_label': ['検索結果の地図', 'Map of the results'],
  'search.none': ['条件に合う場所がありません。次のことを試してください：', 'No place matches. Try this:'],
  'search.none_1': ['ことばを短くする・ひらがなで入れる', 'Use shorter words, or type them in hiragana'],
  'search.none_2': ['条件（種別・曜日・年齢など）を減らす', 'Use fewer filters (type, day, age…)'],
  'search.none_3': ['地域や距離の範囲を広げる', 'Widen the area or distance'],
  'count.about': ['約{n}', 'about {n}'],
  'search.found': ['{n}件見つかりました。', '{n} found.'],
  'search.found_shown': ['{n}件見つかりました（{shown}件を表示）。', '{n} found (showing {shown}).'],
  // detail
  'detail.title': ['詳細', 'Details'],
  'detail.empty': ['（なし）', '(none)'],
  'detail.yes': ['はい', 'Yes'],
  'detail.no': ['いいえ', 'No'],
  'detail.verify': ['情報を確認済みにする', 'Mark as checked'],
  'detail.verified': ['確認済みにしました。', 'Marked as checked.'],
  'detail.delete': ['削除', 'Delete'],
  'detail.delete_confirm': ['「{name}」を削除します。元に戻せません。よろしいですか？', 'Delete “{name}”? This cannot be undone.'],
  'detail.deleted': ['削除しました。', 'Deleted.'],
  'detail.edit': ['編集', 'Edit'],
  'detail.near': ['この場所の近くをさがす', 'Search near this place'],
  'detail.history': ['変更履歴', 'Change history'],
  'detail.history_show': ['変更履歴を見る', 'Show change history'],
  'detail.history_hide': ['変更履歴を閉じる', 'Hide change history'],
  'detail.history_none': ['変更履歴はまだありません。', 'No changes yet.'],
  'detail.unknown': ['（不明）', '(unknown)'],
  // A change with no user: written by the server's commands (the demo data, an import from the command line).
  'detail.system': ['システム（初期データ・取り込み）', 'System (initial data or import)'],
  'detail.col_field': ['項目', 'Field'],
  'detail.col_before': ['変更前', 'Before'],
  'detail.col_after': ['変更後', 'After'],
  'hist.hidden': ['非公開', 'Not shown'],
  'hist.location': ['緯度 {lat}、経度 {lon}', 'Latitude {lat}, longitude {lon}'],
  'hist.day_hours': ['{day}　{hours}', '{day}: {hours}'],
  'hist.unknown_id': ['（番号 {id}）', '(number {id})'],
  'action.create': ['登録', 'Added'],
  'action.update': ['変更', 'Changed'],
  'action.delete': ['削除', 'Deleted'],
  'action.verify': ['確認済み', 'Checked'],
  'action.import': ['取り込み', 'Imported'],
  // field names (change history, edit form)
  'field.name': ['名称', 'Name'],
  'field.name_kana': ['ふりがな', 'Furigana'],
  'field.description': ['説明', 'Description'],
  'field.type': ['種別', 'Type'],
  'field.org_id': ['運営団体', 'Organization'],
  'field.org': ['運営団体', 'Organization'],
  'field.area_id': ['地域', 'Area'],
  'field.address': ['所在地', 'Address'],
  'field.location': ['位置', 'Location'],
  'field.phone': ['電話', 'Phone'],
  'field.email': ['メール', 'Email'],
  'field.url': ['ホームページ', 'Website'],
  'field.ages': ['対象年齢', 'Ages'],
  'field.fee': ['利用料', 'Fee'],
  'field.capacity': ['定員', 'Capacity'],
  'field.services': ['サービス', 'Services'],
  'field.access': ['バリアフリー', 'Accessibility'],
  'field.accessibility_notes': ['設備などのメモ', 'Facility notes'],
  'field.hours': ['開所時間', 'Opening hours'],
  'field.exceptions': ['臨時の休み・変更', 'Special closures and changes'],
  'field.schedule_note': ['時間のメモ', 'Note on hours'],
  'field.is_public': ['公開', 'Public'],
  'field.is_confidential': ['所在地非公開', 'Address hidden'],
  'field.front_door': ['問い合わせ先', 'Contact point'],
  'field.verified_at': ['最終確認日', 'Last checked'],
  // edit: client checks (mirror src/core/validate.h)
  'v.name_required': ['名称は必須です。', 'Name is required.'],
  'v.name_long': ['名称は200文字以内にしてください。', 'Name must be 200 characters or fewer.'],
  'v.type': ['種別を選んでください。', 'Choose a type.'],
  'v.postal': ['郵便番号は半角数字7けたで「231-0001」の形で入力してください。', 'Enter the postal code as 7 digits, like “231-0001”.'],
  'v.phone': ['電話番号は半角数字とハイフンで「045-123-4567」のように入力してください（数字は10〜13けた）。', 'Enter the phone number with digits and hyphens, like “045-123-4567” (10 to 13 digits).'],
  'v.name_long_n': ['名称は200文字以内にしてください（いま{n}文字です）。', 'Name must be 200 characters or fewer (now {n}).'],
  'v.too_long': ['{max}文字以内にしてください（いま{n}文字です）。', 'Use {max} characters or fewer (now {n}).'],
  'v.fee': ['利用料を「無料」「有料」「わからない」から選んでください。', 'Choose whether it is free, paid, or not known.'],
  'v.email': ['メールアドレスの形が正しくありません。', 'This email address is not valid.'],
  'v.url': ['ホームページは http:// または https:// で始めてください。', 'The website must start with http:// or https://.'],
  'v.lat': ['緯度は -90〜90 の数で入力してください。', 'Latitude must be a number from -90 to 90.'],
  'v.lon': ['経度は -180〜180 の数で入力してください。', 'Longitude must be a number from -180 to 180.'],
  'v.ages': ['対象年齢の「まで」は「から」より後にしてください。', 'The age “to” must be after the age “from”.'],
  'v.capacity': ['定員は0以上の整数で入力してください。', 'Capacity must be a whole number, 0 or more.'],
  'v.open': ['開始時刻を入力してください。', 'Enter the opening time.'],
  'v.close': ['終了時刻を入力してください。', 'Enter the closing time.'],
  'v.time_open': ['時刻は「9:30」の形で入力してください。', 'Enter times like “9:30”.'],
  'v.time_close': ['時刻は「16:00」の形で入力してください（24:00 まで）。', 'Enter times like “16:00” (up to 24:00).'],
  'v.order': ['終了時刻は開始時刻より後にしてください。', 'The closing time must be after the opening time.'],
  'v.overlap': ['{day}の {open}〜{close} と時間が重なっています。曜日か時間を変えてください。', 'This overlaps {day} {open}–{close}. Change the day or the times.'],
  'v.date': ['日付を入力してください。', 'Enter the date.'],
  'v.exc_time': ['休みでない日は時間を入力してください。', 'Enter the hours, or tick “Closed”.'],
  'v.front_door': ['所在地を非公開にするときは、問い合わせ先を入力してください。', 'When the address is hidden, enter a contact point.'],
  // edit form
  'edit.time_label': ['{label}（例 {ex}）', '{label} (e.g. {ex})'],
  'edit.required': ['（必須）', ' (required)'],
  'edit.new_title': ['新規登録', 'New place'],
  'edit.new_h1': ['新しい場所を登録', 'Add a new place'],
  'edit.edit_of': ['{name}の編集', 'Edit {name}'],
  'edit.own_org': ['所属団体', 'My organization'],
  'edit.choose': ['選んでください', 'Choose'],
  'edit.front_door': ['問い合わせ先（所在地の代わりに表示）', 'Contact point (shown instead of the address)'],
  'edit.front_door_hint': ['例：○○区こども家庭支援課 045-000-0000', 'e.g. ○○ Ward Child and Family Support Section 045-000-0000'],
  'edit.open': ['開始', 'Opens'],
  'edit.close': ['終了', 'Closes'],
  'edit.date': ['日付', 'Date'],
  'edit.note': ['メモ', 'Note'],
  'edit.add_hours': ['＋ 時間を追加', '+ Add hours'],
  'edit.add_exc': ['＋ 臨時の休み・変更を追加', '+ Add a closure or change'],
  'edit.create': ['登録する', 'Add'],
  'edit.save': ['保存する', 'Save'],
  'edit.basic': ['基本', 'Basics'],
  'edit.postal': ['郵便番号', 'Postal code'],
  'edit.postal_hint': ['例：231-0001', 'e.g. 231-0001'],
  'edit.pref': ['都道府県', 'Prefecture'],
  'edit.city': ['市区町村', 'City / ward'],
  'edit.line': ['町名・番地', 'Town and block'],
  'edit.building': ['建物名・方書', 'Building'],
  'edit.lat': ['緯度', 'Latitude'],
  'edit.lon': ['経度', 'Longitude'],
  'edit.confidential': ['所在地を非公開にする（DV避難先など）', 'Hide the address (e.g. a DV shelter)'],
  'edit.phone_hint': ['例：045-123-4567', 'e.g. 045-123-4567'],
  'edit.url_hint': ['https:// から入力', 'Start with https://'],
  'edit.ages_fee': ['対象・料金', 'Ages and fee'],
  'edit.age_from': ['対象年齢（から）', 'Ages (from)'],
  'edit.age_to': ['対象年齢（まで）', 'Ages (to)'],
  'edit.ages_hint': ['制限がないときは空欄にします。', 'Leave empty when there is no limit.'],
  'edit.fee_note': ['料金のメモ', 'Note on the fee'],
  'edit.fee_hint': ['例：1回100円（おやつ代）', 'e.g. 100 yen a visit (snacks)'],
  'edit.capacity': ['定員（人）', 'Capacity (people)'],
  'edit.weekly': ['開所時間（毎週）', 'Opening hours (every week)'],
  'edit.sched_hint': ['例：第3土曜日はお休み', 'e.g. closed on the third Saturday'],
  'edit.publish': ['家族向けページに公開する', 'Show on the page for families'],
  'edit.cancel': ['キャンセル', 'Cancel'],
  'edit.not_saved': ['保存できませんでした。', 'Not saved.'],
  'edit.created': ['登録しました。', 'Added.'],
  'edit.saved': ['保存しました。', 'Saved.'],
  'edit.reload': ['最新の内容を読み込む', 'Load the latest version'],
  'edit.conflict': ['ほかの人が先にこの情報を保存しました。', 'Someone else saved this place first.'],
  'edit.conflict_merged': ['最新の内容に、あなたの入力を重ねて表示しています。入力した内容は消えていません。', 'The form shows the latest version with your changes on top. Nothing you typed is lost.'],
  'edit.conflict_both': ['次の項目は、ほかの人も変更しました。あなたの入力を残しています：', 'The other person also changed these; your input is kept:'],
  'edit.conflict_item': ['{field}（ほかの人の変更：{value}）', '{field} (their change: {value})'],
  'edit.conflict_taken': ['ほかの人の変更を取り込みました：{fields}', 'Their changes were taken in: {fields}'],
  'edit.conflict_next': ['内容を確かめて、もう一度「保存する」を押してください。', 'Check the form, then press “Save” again.'],
  'edit.reload_discard': ['自分の入力を捨てて最新の内容を読み込む', 'Discard my input and load the latest version'],
  'edit.reload_confirm': ['あなたの入力は消えます。最新の内容を読み込みますか？', 'Your input will be lost. Load the latest version?'],
  'edit.empty_value': ['（空欄）', '(empty)'],
  'edit.changed_value': ['変更あり', 'changed'],
  'edit.yes': ['はい', 'yes'],
  'edit.no': ['いいえ', 'no'],
  'edit.restored': ['ログインし直しました。入力中の内容を戻しました。保存してください。', 'You are logged in again. What you were typing is back. Please save it.'],
  'edit.no_create': ['新しい場所を登録できるのは、スタッフ・コーディネーター・管理者です。登録が必要なときは、所属団体のスタッフかコーディネーターに頼んでください。', 'Only staff, coordinators and administrators can add places. Ask your organization’s staff or a coordinator.'],
  'edit.no_edit': ['この場所を編集する権限がありません。編集できるのは、運営団体のスタッフと、その地域のコーディネーター・管理者です。', 'You may not edit this place. Its organization’s staff and the coordinators and administrators of its area can.'],
  'edit.back_detail': ['この場所の詳細にもどる', 'Back to this place'],
  'edit.org_hint_staff': ['スタッフは、所属団体の場所だけを登録・編集できます。', 'Staff can add and edit only their own organization’s places.'],
  'edit.count': ['{n} / {max}文字', '{n} / {max} characters'],
  'edit.count_over': ['{n} / {max}文字：{over}文字多すぎます。短くしてください。', '{n} / {max} characters: {over} too many. Please shorten it.'],
  'edit.fee_paid': ['有料（料金がかかる）', 'Paid (there is a charge)'],
  'edit.fee_unknown': ['わからない（まだ確かめていない）', 'Not known (not checked yet)'],
  'edit.forbidden_moved': ['あなたが登録・編集できない運営団体か地域が選ばれています。運営団体と地域を確かめてください。入力した内容はこの画面に残っています。', 'The organization or area chosen is one you may not use. Check them; your input is still here.'],
  'edit.forbidden_hint': ['入力した内容はこの画面に残っています。権限のある人（運営団体のスタッフやコーディネーター）に頼んでください。', 'Your input is still here. Ask someone who may edit this place (its organization’s staff or a coordinator).'],
  'set.role_of': ['{name}の役割', 'Role of {name}'],
  'set.you': ['（あなた）', ' (you)'],
  'set.self_note': ['自分の役割の変更と停止はできません。必要なときは、ほかの管理者に頼んでください。', 'You cannot change your own role or stop your own login. Ask another administrator.'],
  'set.disable_confirm': ['{name}さんのログインを停止します。よろしいですか？', 'Stop login for {name}?'],
  'set.col_name': ['名前', 'Name'],
  'set.col_org': ['所属', 'Organization'],
  'set.col_state': ['状態', 'Status'],
  'set.col_action': ['操作', 'Action'],
  'set.col_line': ['行', 'Line'],
  'set.col_column': ['列', 'Column'],
  'set.col_message': ['内容', 'Problem'],
  'set.report': ['{rows}行：新規 {created}・更新 {updated}・変更なし {unchanged}・不備 {rejected}', '{rows} rows: {created} new, {updated} updated, {unchanged} unchanged, {rejected} with problems'],
  'set.file_problems': ['このファイルは取り込めません（問題 {n}件）。下の表の問題を直してから、もう一度確認してください。', 'This file cannot be imported ({n} problems). Fix the problems in the table below and check again.'],
  'set.file_problems_one': ['このファイルは取り込めません（問題 1件）。下の表の問題を直してから、もう一度確認してください。', 'This file cannot be imported (1 problem). Fix the problem in the table below and check again.'],
  'set.unreadable': ['このファイルは取り込めません。CSV（UTF-8 または Shift_JIS）か HSDS の JSON ファイルを選んでください。Excel のファイルは「CSV UTF-8」形式で保存し直してください。', 'This file cannot be imported. Choose a CSV file (UTF-8 or Shift_JIS) or an HSDS JSON file. Save an Excel file again as “CSV UTF-8”.'],
  'set.report_enc': ['文字コード：{encoding}', 'Encoding: {encoding}'],
  'set.enc_utf8_bom': ['UTF-8（BOM付き）', 'UTF-8 with BOM'],
  'set.report_dry': ['確認のみです。まだ保存していません。', 'Check only: nothing is saved yet.'],
  // settings
  'set.pw_current': ['いまのパスワード', 'Current password'],
  'set.pw_new': ['新しいパスワード（10文字以上）', 'New password (10 characters or more)'],
  'set.pw_new2': ['新しいパスワード（確認のためもう一度）', 'New password (again, to check)'],
  'set.pw_submit': ['パスワードを変更', 'Change password'],
  'set.pw_short': ['新しいパスワードは10文字以上にしてください。', 'The new password must be 10 characters or more.'],
  'set.pw_mismatch': ['確認用のパスワードが一致しません。', 'The two new passwords do not match.'],
  'set.pw_done': ['パスワードを変更しました。ほかの端末ではログアウトされます。', 'Password changed. Other devices are logged out.'],
  'set.pw_wrong': ['いまのパスワードが違います。', 'The current password is wrong.'],
  'set.pw_h': ['パスワードの変更', 'Change password'],
  'set.users_h': ['利用者', 'Users'],
  'set.role_done': ['役割を変更しました。', 'Role changed.'],
  'set.role_apply': ['変更', 'Change'],
  'set.role_apply_of': ['{name}の役割を変更', 'Change the role of {name}'],
  'set.role_pending': ['「{role}」に変更するには「変更」を押してください。', 'Press “Change” to make it “{role}”.'],
  'set.role_confirm': ['{name}さんの役割を「{from}」から「{to}」に変更します。よろしいですか？', 'Change the role of {name} from “{from}” to “{to}”?'],
  'set.role_done_of': ['{name}さんの役割を「{role}」に変更しました。', '{name} is now “{role}”.'],
  'set.role_failed': ['役割を変更できませんでした：{message}', 'The role was not changed: {message}'],
  'set.enable': ['有効にする', 'Enable'],
  'set.disable': ['停止する', 'Stop'],
  'set.disabled': ['停止中', 'Stopped'],
  'set.active': ['利用中', 'Active'],
  'set.add_h': ['利用者を追加', 'Add a user'],
  'set.login': ['ログインID（半角英数字）', 'Login ID (letters and digits)'],
  'set.display_name': ['表示名', 'Display name'],
  'set.role': ['役割', 'Role'],
  'set.first_pw': ['はじめのパスワード（10文字以上）', 'First password (10 characters or more)'],
  'set.add': ['追加する', 'Add'],
  'set.login_bad': ['ログインIDは半角英数字（. _ @ - も可）で3〜64文字にしてください。', 'The login ID must be 3–64 letters or digits (. _ @ - allowed).'],
  'set.dn_empty': ['表示名を入力してください。', 'Enter a display name.'],
  'set.pw_short2': ['パスワードは10文字以上にしてください。', 'The password must be 10 characters or more.'],
  'set.added': ['利用者を追加しました。', 'User added.'],
  'set.bad_rows': ['取り込めない行', 'Rows that cannot be imported'],
  'set.fmt_jp': ['自治体標準オープンデータ（CSV）', 'Japanese municipal open data (CSV)'],
  'set.fmt_hsds': ['HSDS（JSON）', 'HSDS (JSON)'],
  'set.dry': ['確認する（まだ保存しません）', 'Check (nothing is saved yet)'],
  'set.run': ['取り込む', 'Import'],
  'set.no_file': ['ファイルを選んでください。', 'Choose a file.'],
  'set.working': ['処理中…', 'Working…'],
  'set.imported': ['取り込みました。', 'Imported.'],
  'set.rejected': ['不備のある行があるため、取り込めません（1件も保存していません）。ファイルを直してから、もう一度確認してください。', 'Some rows have problems, so nothing was imported. Fix the file and check again.'],
  'set.import_h': ['データの取り込み', 'Import data'],
  'set.import_publish': ['新しく追加する場所を家族向けページに公開する', 'Show newly added places on the page for families'],
  'set.import_publish_hint': ['すでにある場所の公開・非公開は変わりません。ファイルで非公開になっている場所は、チェックしても公開されません。',
    'Places already here keep their setting. Places the file marks as staff-only stay staff-only even when this is ticked.'],
  'set.import_hint': ['まず「確認する」で中身をチェックします。不備がなければ「取り込む」を押してください。', 'First press “Check” to look at the file. If there are no problems, press “Import”.'],
  'set.file': ['ファイル', 'File'],
  'set.format': ['形式', 'Format'],
  'set.export_h': ['データの書き出し', 'Export data'],
  'set.export_hsds': ['HSDS（JSON）で書き出す', 'Export as HSDS (JSON)'],
  'set.export_csv': ['CSVで書き出す', 'Export as CSV'],
  'set.export_csv_hint': ['ほかの「つなぐ」へ場所を移すときはこちら。取り込むときは形式「自治体標準オープンデータ（CSV）」を選びます。公開・非公開と所在地非公開の設定も移ります（所在地非公開の場所の住所は、移した先で入れ直してください）。',
    'To move places to another tsunagu: import it there as “Local government open data (CSV)”. It carries whether each place is public and whether its location is private (type a private place’s address again there).'],
  'set.export_hsds_hint': ['ほかのシステム向け（HSDS 3）。', 'For other systems (HSDS 3).'],
  'set.export_hidden': ['所在地非公開の場所は、住所・位置・電話番号を入れず、問い合わせ先を入れます（ファイルは「つなぐ」の外に出るため）。',
    'A place with a private location goes into the file without its address, position or phone, with its contact for inquiries instead (a file leaves tsunagu).'],
  'set.export_private': ['非公開（スタッフのみ）の場所もファイルに入ります。ファイルを公開・配布するときは、非公開の行を消してください。',
    'Staff-only places are in the file too. Before you publish or hand out the file, delete their rows.'],
  'set.code': ['コード（半角英小文字・数字・_）', 'Code (lower-case letters, digits, _)'],
  'set.name_ja': ['名前（日本語）', 'Name (Japanese)'],
  'set.name_en': ['名前（英語）', 'Name (English)'],
  'set.type_add': ['種別を追加', 'Add type'],
  'set.code_bad': ['コードは半角英小文字・数字・_ で32文字以内にしてください。', 'The code must be up to 32 lower-case letters, digits or _.'],
  'set.ja_empty': ['日本語の名前を入力してください。', 'Enter the Japanese name.'],
  'set.type_added': ['種別を追加しました。', 'Type added.'],
  'set.type_h': ['種別の追加', 'Add a type'],
};
