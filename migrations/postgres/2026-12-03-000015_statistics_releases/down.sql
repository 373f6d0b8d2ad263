DROP TABLE statistics_releases;
