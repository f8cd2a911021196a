// Clinical hours: put the browser's location into the clock-in / clock-out form before it is sent.
// Without location (denied, unavailable, slow) the form is still sent: the server flags the record
// and asks for a reason. Progressive enhancement: without this file the clock works, flagged.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-geolocate") || form.dataset.located === "1" || !navigator.geolocation) { return; }
  event.preventDefault();
  var status = form.querySelector(".geo-status");
  var button = form.querySelector("button[type=submit]");
  if (button) { button.disabled = true; }
  if (status) { status.textContent = "Finding your location…"; }
  var send = function () { form.dataset.located = "1"; form.submit(); };
  navigator.geolocation.getCurrentPosition(function (position) {
    form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
    form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
    form.querySelector("[name=accuracy]").value = Math.min(position.coords.accuracy, 9999999).toFixed(1);
    send();
  }, send, {enableHighAccuracy: true, timeout: 10000, maximumAge: 0});
});
