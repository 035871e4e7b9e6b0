// Package alerts holds the alert screens: the seed's ACTIVE ALERTS (tab
// 5), one alert whole with its labels and annotations, and Alertmanager's
// silences (:silences).
package alerts
