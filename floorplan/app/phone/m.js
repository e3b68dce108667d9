// The phone page (/m): MapLibre GL JS drawing the JSON API's GeoJSON on a blank style,
// search as you type, routes with their steps, English and Chinese, step-free routes.
// Opened from a kiosk's QR code (/m?from=KIOSK&to=PLACE) it starts at the kiosk ("you are
// here"). Offline, the map and the last route stay usable; API calls wait for the network
// and are made again when it is back. Text comes from the server's catalogue (the body's
// data-strings), colours from /m/theme.css (CSS variables), data only from /api/v1.
(() => {
  'use strict';

  const API = '/api/v1';
  // Above this many booths the page loads booths hall by hall, for the halls in view.
  const BOOTHS_AT_ONCE = 4000;
  const HALL_BOOTHS_ZOOM = 17;
  const NUMBER_ZOOM = 18.3;
  const NAME_ZOOM = 19.6;
  const SEARCH_DELAY_MS = 90;
  const RETRY_MAX_MS = 15000;
  const ZONES = ['automobile', 'agriculture', 'energy', 'digital', 'health', 'services'];
  // The properties the map draws (a place's details come from /places when it is chosen).
  const FIELDS = {
    halls: 'hall_id,name,name_zh',
    booths: 'booth_id,exhibitor,exhibitor_zh,zone,hall_id',
    obstacles: 'kind',
    openings: 'kind',
    amenities: 'amenity_id,kind',
  };
  const layerUrl = (name, extra = '') => '/layers/' + name + '?fields=' + FIELDS[name] + extra;

  const strings = JSON.parse(document.body.dataset.strings || '{}');
  // The map's icons come inside the page, as data: URLs (no request each).
  const icons = JSON.parse(document.body.dataset.icons || '{}');
  const params = new URLSearchParams(location.search);
  const state = {
    lang: params.get('lang') === 'zh' ? 'zh' : 'en',
    from: params.get('from') || params.get('kiosk') || '',
    to: params.get('to') || '',
    accessible: ['1', 'true', 'yes'].includes((params.get('accessible') || '').toLowerCase()),
    venue: null,
    target: '',
    route: null,
    place: null,
    query: '',
    offline: false,
    ready: false,
    routeError: '',
    timings: {},
  };
  const $ = (id) => document.getElementById(id);
  const el = {
    q: $('q'), lang: $('lang'), hits: $('hits'), sheet: $('sheet'), close: $('close'),
    title: $('title'), summary: $('summary'), stepfree: $('stepfree'),
    stepfreeRow: $('stepfree-row'), stepfreeLabel: $('stepfree-label'), steps: $('steps'),
    banner: $('banner'),
  };

  const t = (key, fields) => {
    let s = (strings[key] || {})[state.lang] || key;
    for (const [k, v] of Object.entries(fields || {})) s = s.split('{' + k + '}').join(String(v));
    return s;
  };
  const colour = (name) =>
    getComputedStyle(document.documentElement).getPropertyValue('--fp-' + name).trim();

  // --- the network: failures from the server are answers; no network waits and retries --
  class ApiFailure extends Error {
    constructor(status, error) {
      super((error && error.message) || 'HTTP ' + status);
      this.status = status;
      this.error = error || {};
    }
  }
  const generations = {};
  let onlineWaiters = [];
  window.addEventListener('online', () => {
    const waiting = onlineWaiters;
    onlineWaiters = [];
    waiting.forEach((wake) => wake());
  });
  window.addEventListener('offline', () => setOffline(true));

  function waitForNetwork(attempt) {
    const delay = Math.min(RETRY_MAX_MS, 500 * 2 ** attempt);
    return new Promise((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        onlineWaiters = onlineWaiters.filter((w) => w !== done);
        resolve();
      }
      onlineWaiters.push(done);
    });
  }

  // Fetch JSON from the API. ``kind`` names a line of requests (search, route): a newer
  // request of the same kind supersedes an older one, which then resolves to null.
  async function api(path, kind) {
    const generation = kind ? (generations[kind] = (generations[kind] || 0) + 1) : 0;
    const current = () => !kind || generations[kind] === generation;
    for (let attempt = 0; ; attempt++) {
      if (!current()) return null;
      let response;
      try {
        response = await fetch(API + path, {headers: {Accept: 'application/json'}});
      } catch (err) {
        setOffline(true);
        await waitForNetwork(attempt);
        continue;
      }
      setOffline(false);
      const body = await response.json().catch(() => ({}));
      if (!current()) return null;
      if (!response.ok) throw new ApiFailure(response.status, body.error);
      return body;
    }
  }

  let bannerTimer = null;
  function setOffline(offline) {
    if (offline === state.offline) return;
    state.offline = offline;
    document.body.dataset.offline = offline ? '1' : '0';
    clearTimeout(bannerTimer);
    el.banner.hidden = false;
    el.banner.textContent = t(offline ? 'phone.offline' : 'phone.back_online');
    if (!offline) bannerTimer = setTimeout(() => { el.banner.hidden = true; }, 2500);
  }

  // --- the map -------------------------------------------------------------------------
  let map = null;
  const booths = {type: 'FeatureCollection', features: []};
  const hallBooths = new Map(); // hall id -> loading or loaded
  let hallBoxes = [];

  // ``first`` unless it is missing or empty, then ``second`` ('' when both are).
  const pick = (first, second) => ['case', ['!=', ['coalesce', ['get', first], ''], ''],
    ['to-string', ['get', first]], ['to-string', ['coalesce', ['get', second], '']]];
  function boothLabel() {
    // Booth numbers from NUMBER_ZOOM, the exhibitor's name above the number from NAME_ZOOM.
    const name = state.lang === 'zh' ? pick('exhibitor_zh', 'exhibitor')
      : pick('exhibitor', 'exhibitor_zh');
    return ['step', ['zoom'], ['to-string', ['get', 'booth_id']], NAME_ZOOM,
      ['format', name, {}, '\n', {}, ['to-string', ['get', 'booth_id']], {'font-scale': 0.8}]];
  }
  function hallLabel() {
    const name = state.lang === 'zh' ? pick('name_zh', 'name') : pick('name', 'name_zh');
    return ['case', ['!=', name, ''], name, ['to-string', ['get', 'hall_id']]];
  }

  function zoneColour() {
    const expr = ['match', ['get', 'zone']];
    for (const zone of ZONES) expr.push(zone, colour('zone-' + zone));
    expr.push(colour('unzoned'));
    return expr;
  }

  function bboxOf(coords, box = [Infinity, Infinity, -Infinity, -Infinity]) {
    if (typeof coords[0] === 'number') {
      box[0] = Math.min(box[0], coords[0]); box[1] = Math.min(box[1], coords[1]);
      box[2] = Math.max(box[2], coords[0]); box[3] = Math.max(box[3], coords[1]);
      return box;
    }
    for (const c of coords) bboxOf(c, box);
    return box;
  }

  function addLayers(layers) {
    const empty = {type: 'FeatureCollection', features: []};
    map.addSource('halls', {type: 'geojson', data: layers.halls});
    map.addSource('booths', {type: 'geojson', data: booths});
    map.addSource('obstacles', {type: 'geojson', data: layers.obstacles});
    map.addSource('openings', {type: 'geojson', data: layers.openings});
    map.addSource('amenities', {
      type: 'geojson', data: layers.amenities, cluster: true, clusterRadius: 36,
      clusterMaxZoom: 17,
    });
    map.addSource('route', {type: 'geojson', data: empty});
    map.addSource('here', {type: 'geojson', data: empty});
    map.addSource('selected', {type: 'geojson', data: empty});
    const font = ['sans-serif'];
    const add = (layer) => map.addLayer(layer);
    add({id: 'halls-fill', type: 'fill', source: 'halls',
      paint: {'fill-color': colour('hall-fill')}});
    add({id: 'halls-line', type: 'line', source: 'halls',
      paint: {'line-color': colour('hall-line'), 'line-width': 1.5}});
    add({id: 'booths-fill', type: 'fill', source: 'booths',
      paint: {'fill-color': zoneColour(), 'fill-opacity': 0.55}});
    add({id: 'booths-line', type: 'line', source: 'booths', minzoom: 17,
      paint: {'line-color': colour('booth-line'), 'line-width': 0.5}});
    add({id: 'obstacles', type: 'fill', source: 'obstacles',
      paint: {'fill-color': colour('obstacle-fill'), 'fill-outline-color': colour('obstacle-line')}});
    add({id: 'openings', type: 'line', source: 'openings',
      paint: {'line-color': colour('hall-fill'), 'line-width': 3}});
    add({id: 'selected', type: 'line', source: 'selected',
      paint: {'line-color': colour('route'), 'line-width': 3}});
    add({id: 'route', type: 'line', source: 'route',
      layout: {'line-cap': 'round', 'line-join': 'round'},
      paint: {'line-color': colour('route'), 'line-width': 5}});
    add({id: 'hall-labels', type: 'symbol', source: 'halls', maxzoom: NUMBER_ZOOM,
      layout: {'text-field': hallLabel(), 'text-font': font, 'text-size': 13,
        'text-max-width': 8},
      paint: {'text-color': colour('hall-label'), 'text-halo-color': colour('halo'),
        'text-halo-width': 1.5}});
    add({id: 'booth-labels', type: 'symbol', source: 'booths', minzoom: NUMBER_ZOOM,
      layout: {'text-field': boothLabel(), 'text-font': font, 'text-size': 11,
        'text-max-width': 7, 'text-padding': 2},
      paint: {'text-color': colour('text'), 'text-halo-color': colour('halo'),
        'text-halo-width': 1.2}});
    add({id: 'amenity-clusters', type: 'circle', source: 'amenities',
      filter: ['has', 'point_count'],
      paint: {'circle-color': colour('muted'), 'circle-radius': 11,
        'circle-stroke-color': colour('halo'), 'circle-stroke-width': 1.5}});
    add({id: 'amenity-count', type: 'symbol', source: 'amenities',
      filter: ['has', 'point_count'],
      layout: {'text-field': ['get', 'point_count_abbreviated'], 'text-font': font,
        'text-size': 11, 'text-allow-overlap': true},
      paint: {'text-color': colour('halo')}});
    add({id: 'amenity-icons', type: 'symbol', source: 'amenities',
      filter: ['!', ['has', 'point_count']],
      layout: {'icon-image': ['get', 'kind'], 'icon-size': 0.75, 'icon-padding': 1}});
    add({id: 'here', type: 'symbol', source: 'here',
      layout: {'icon-image': 'you_are_here', 'icon-allow-overlap': true,
        'text-field': ['get', 'label'], 'text-font': font, 'text-size': 12,
        'text-offset': [0, 1.4], 'text-anchor': 'top', 'text-allow-overlap': true,
        'text-ignore-placement': true, 'icon-ignore-placement': true},
      paint: {'text-color': colour('route'), 'text-halo-color': colour('halo'),
        'text-halo-width': 1.5}});
  }

  function setBooths(features) {
    booths.features = features;
    if (map.getSource('booths')) map.getSource('booths').setData(booths);
  }

  async function loadHallBooths() {
    // Large venues: booths of the halls in view, once each, when zoomed in enough to see them.
    if (map.getZoom() < HALL_BOOTHS_ZOOM) return;
    const b = map.getBounds();
    const view = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    const wanted = hallBoxes.filter(([hall, box]) => box[0] <= view[2] && box[2] >= view[0]
      && box[1] <= view[3] && box[3] >= view[1] && !hallBooths.has(hall));
    for (const [hall] of wanted) {
      hallBooths.set(hall, 'loading');
      const layer = await api(layerUrl('booths', '&hall=' + encodeURIComponent(hall)));
      hallBooths.set(hall, 'loaded');
      if (layer) setBooths(booths.features.concat(layer.features));
    }
  }

  function loadImage(kind) {
    return new Promise((resolve) => {
      const img = new Image(32, 32);
      img.onload = () => resolve([kind, img]);
      img.onerror = () => resolve([kind, null]);
      img.src = icons[kind] || icons.other;
    });
  }

  async function start() {
    el.banner.hidden = false;
    el.banner.textContent = t('phone.loading');
    const mark = (name) => { state.timings[name] = Math.round(performance.now()); };
    mark('scriptMs');
    // Everything the first view needs is asked for at once.
    const fixed = ['halls', 'obstacles', 'openings', 'amenities'];
    const fixedCalls = Promise.all(fixed.map((n) => api(layerUrl(n))));
    const venueCall = api('/venue');
    // The map (and its worker, which parses its own copy of the library) starts at once,
    // while the data is on its way; it is fitted to the venue when the venue is known.
    map = new maplibregl.Map({
      container: 'map',
      style: {version: 8, sources: {}, layers: [
        {id: 'ground', type: 'background', paint: {'background-color': colour('map-ground')}},
      ]},
      center: [0, 0],
      zoom: 1,
      maxZoom: 22,
      attributionControl: false,
      pitchWithRotate: false,
      maxPitch: 0,
      fadeDuration: 0,
    });
    window.fp.map = map;
    const loaded = new Promise((resolve) => map.on('load', resolve)).then(() => mark('loadMs'));
    const venue = await venueCall;
    state.venue = venue;
    mark('venueMs');
    const all = venue.counts.booths <= BOOTHS_AT_ONCE;
    const boothsCall = all ? api(layerUrl('booths')) : Promise.resolve(null);
    const b = venue.bbox;
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], {padding: 16, duration: 0});
    const layers = await fixedCalls;
    const byName = Object.fromEntries(fixed.map((n, i) => [n, layers[i]]));
    const kinds = new Set(byName.amenities.features.map((f) => f.properties.kind));
    const images = Promise.all([...kinds, 'you_are_here'].map(loadImage));
    const [boothLayer] = await Promise.all([boothsCall, loaded]);
    mark('dataMs');
    for (const [kind, img] of await images) {
      if (img && !map.hasImage(kind)) map.addImage(kind, img);
    }
    addLayers(byName);
    if (all) setBooths(boothLayer.features);
    else {
      hallBoxes = byName.halls.features.map((f) => [f.id, bboxOf(f.geometry.coordinates)]);
      map.on('moveend', loadHallBooths);
    }
    wireMap();
    el.banner.hidden = true;
    mark('layersMs');
    map.once('render', () => mark('firstRenderMs'));
    map.on('sourcedata', (e) => { if (e.isSourceLoaded && e.sourceId) mark('src-' + e.sourceId); });
    await map.once('idle');
    mark('mapDrawnMs');
    state.ready = true;
    document.body.dataset.ready = '1';
    if (state.from) await showHere();
    if (state.to) await choosePlace(state.to);
  }

  function wireMap() {
    map.on('click', 'amenity-clusters', async (e) => {
      const f = e.features[0];
      const zoom = await map.getSource('amenities').getClusterExpansionZoom(f.properties.cluster_id);
      map.easeTo({center: f.geometry.coordinates, zoom});
    });
    map.on('click', 'amenity-icons', (e) => choosePlace(e.features[0].properties.amenity_id));
    map.on('click', 'booths-fill', (e) => {
      if (map.queryRenderedFeatures(e.point, {layers: ['amenity-icons', 'amenity-clusters']}).length) return;
      choosePlace(e.features[0].properties.booth_id);
    });
    for (const layer of ['booths-fill', 'amenity-icons', 'amenity-clusters']) {
      map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
    }
  }

  // A start given as "lon,lat" (a point tapped on a kiosk) is a place of its own.
  function lonLat(text) {
    const m = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(text || '');
    if (!m) return null;
    const lon = Number(m[1]);
    const lat = Number(m[2]);
    return Math.abs(lon) <= 180 && Math.abs(lat) <= 90 ? [lon, lat] : null;
  }

  async function showHere() {
    const point = lonLat(state.from);
    if (point) {
      state.here = point;
      drawHere();
      centreOnHere();
      return;
    }
    try {
      const place = await api('/places/' + encodeURIComponent(state.from) + '?lang=' + state.lang);
      state.here = place.point;
      drawHere();
      centreOnHere();
    } catch (err) {
      state.from = '';
      showSheet(err.message, '', []);
    }
  }

  // Centre on "you are here", unless a route came back first: its view frames both ends,
  // and moving now would push the route's far end off the screen.
  function centreOnHere() {
    if (state.route) return;
    map.easeTo({center: state.here, zoom: Math.max(map.getZoom(), 17), duration: 0});
  }

  function drawHere() {
    if (!state.here) return;
    map.getSource('here').setData({type: 'Feature', geometry: {type: 'Point',
      coordinates: state.here}, properties: {label: t('you_are_here')}});
  }

  // --- search ----------------------------------------------------------------------------
  let searchTimer = null;
  el.q.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(el.q.value), SEARCH_DELAY_MS);
  });
  el.q.addEventListener('focus', () => { if (el.hits.childElementCount) el.hits.hidden = false; });

  async function search(text) {
    state.query = text;
    if (!text.trim()) {
      generations.search = (generations.search || 0) + 1;
      el.hits.hidden = true;
      el.hits.replaceChildren();
      el.hits.dataset.q = '';
      return;
    }
    // Distances from a place (the API's near= takes ids; a tapped point gives none).
    const near = state.from && !lonLat(state.from) ? '&near=' + encodeURIComponent(state.from) : '';
    const body = await api('/search?q=' + encodeURIComponent(text) + '&lang=' + state.lang
      + '&limit=15' + near, 'search').catch((err) => ({hits: [], error: err}));
    if (!body || text !== state.query) return;
    renderHits(text, body.hits || []);
  }

  function renderHits(text, hits) {
    const items = [];
    let kind = null;
    for (const hit of hits) {
      if (hit.kind !== kind) {
        kind = hit.kind;
        const head = document.createElement('li');
        head.className = 'kind';
        head.textContent = t('kind.' + kind);
        items.push(head);
      }
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'hit hit-' + hit.kind;
      button.textContent = hit.text;
      button.dataset.target = hit.target || '';
      button.dataset.key = hit.key;
      button.addEventListener('click', () => chooseHit(hit));
      li.append(button);
      items.push(li);
    }
    if (!hits.length) {
      const none = document.createElement('li');
      none.className = 'none';
      none.textContent = t('search.none', {query: text});
      items.push(none);
    }
    el.hits.replaceChildren(...items);
    el.hits.dataset.q = text;
    el.hits.hidden = false;
  }

  function chooseHit(hit) {
    state.timings.tapMs = performance.now();
    el.hits.hidden = true;
    el.q.blur();
    if (hit.kind === 'zone') {
      const box = bboxOf(booths.features.filter((f) => f.properties.zone === hit.key)
        .map((f) => f.geometry.coordinates));
      if (Number.isFinite(box[0])) map.fitBounds([[box[0], box[1]], [box[2], box[3]]], {padding: 30});
      return;
    }
    if (hit.target) choosePlace(hit.target);
  }

  // --- a place and the route to it ---------------------------------------------------------
  async function choosePlace(id) {
    state.target = id;
    if (!state.timings.tapMs) state.timings.tapMs = performance.now();
    const placeCall = api('/places/' + encodeURIComponent(id) + '?lang=' + state.lang, 'place')
      .catch((err) => ({error: err}));
    if (state.from && state.from !== id) {
      await routeTo(id);
    }
    const place = await placeCall;
    if (!place || state.target !== id) return;
    if (place.error) {
      showSheet(place.error.message, '', []);
      return;
    }
    state.place = place;
    map.getSource('selected').setData(place.geometry.type === 'Polygon'
      ? {type: 'Feature', geometry: {type: 'LineString', coordinates: place.geometry.coordinates[0]},
        properties: {}}
      : {type: 'FeatureCollection', features: []});
    if (!state.from) {
      showSheet(place.name, t('phone.no_origin'), []);
      map.easeTo({center: place.point, zoom: Math.max(map.getZoom(), NUMBER_ZOOM)});
    } else {
      renderSheet();
    }
  }

  async function routeTo(id) {
    const url = '/route?from=' + encodeURIComponent(state.from) + '&to=' + encodeURIComponent(id)
      + '&lang=' + state.lang + (state.accessible ? '&accessible=1' : '');
    let route;
    try {
      route = await api(url, 'route');
      state.routeError = '';
    } catch (err) {
      route = null;
      state.routeError = t('card.no_route', {reason: err.message});
      state.route = null;
      map.getSource('route').setData({type: 'FeatureCollection', features: []});
      renderSheet();
      return;
    }
    if (!route || state.target !== id) return;
    state.route = route;
    map.getSource('route').setData(route);
    await drawn('route');
    state.timings.routeDrawnMs = performance.now();
    document.body.dataset.route = id;
    renderSheet();
    const box = bboxOf(route.geometry.coordinates);
    const bottom = Math.round(window.innerHeight * (isLandscape() ? 0.08 : 0.42));
    const right = isLandscape() ? Math.round(window.innerWidth * 0.42) : 16;
    map.fitBounds([[box[0], box[1]], [box[2], box[3]]],
      {padding: {top: 70, bottom, left: 16, right}, maxZoom: 20, duration: 400});
  }

  function drawn(source) {
    // Resolves on the first frame painted after ``source`` took its new data.
    return new Promise((resolve) => {
      const check = (e) => {
        if (e.sourceId === source && map.isSourceLoaded(source)) {
          map.off('sourcedata', check);
          map.once('render', resolve);
          map.triggerRepaint();
        }
      };
      map.on('sourcedata', check);
    });
  }

  const isLandscape = () => window.innerWidth > window.innerHeight;

  function renderSheet() {
    const route = state.route && state.route.properties.to === state.target ? state.route : null;
    const name = state.place ? state.place.name : state.target;
    let summary = state.routeError;
    let steps = [];
    if (route) {
      const p = route.properties;
      summary = t('card.distance', {metres: Math.round(p.length_m),
        minutes: Math.max(1, Math.ceil(p.duration_s / 60))});
      steps = p.steps.map((s) => s.text);
    }
    showSheet(name, summary, steps);
  }

  function showSheet(title, summary, steps) {
    el.title.textContent = title;
    el.summary.textContent = summary;
    el.steps.replaceChildren(...steps.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }));
    el.stepfreeRow.hidden = !state.from;
    el.stepfree.checked = state.accessible;
    el.sheet.hidden = false;
    el.sheet.dataset.target = state.target;
  }

  el.close.addEventListener('click', () => {
    el.sheet.hidden = true;
    state.target = '';
    state.route = null;
    map.getSource('route').setData({type: 'FeatureCollection', features: []});
    map.getSource('selected').setData({type: 'FeatureCollection', features: []});
    delete document.body.dataset.route;
  });

  el.stepfree.addEventListener('change', async () => {
    state.accessible = el.stepfree.checked;
    if (state.target && state.from) await routeTo(state.target);
  });

  // --- language --------------------------------------------------------------------------
  function applyLang() {
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
    document.body.dataset.lang = state.lang;
    el.lang.textContent = t('lang.toggle');
    el.q.placeholder = t('search.placeholder');
    el.q.setAttribute('aria-label', t('search.placeholder'));
    el.close.setAttribute('aria-label', t('card.close'));
    el.stepfreeLabel.textContent = t('toggle.accessible');
    document.title = t('app.title');
  }

  el.lang.addEventListener('click', async () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    applyLang();
    if (!state.ready) return;
    map.setLayoutProperty('booth-labels', 'text-field', boothLabel());
    map.setLayoutProperty('hall-labels', 'text-field', hallLabel());
    drawHere();
    if (state.query.trim()) search(state.query);
    if (state.target) await choosePlace(state.target);
  });

  window.fp = {state, map: null, api};
  applyLang();
  start().catch((err) => {
    el.banner.hidden = false;
    el.banner.textContent = t('phone.failed') + ' ' + (err.message || '');
    document.body.dataset.failed = '1';
  });
})();
