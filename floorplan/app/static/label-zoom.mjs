// Show booth numbers below id_span metres of view width, exhibitor names below name_span.
export default ({xr, ids, names, id_span, name_span}) => {
  const span = Math.abs(xr.end - xr.start);
  for (const r of ids) { r.visible = span < id_span; }
  for (const r of names) { r.visible = span < name_span; }
};
