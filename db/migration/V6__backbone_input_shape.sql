-- What an input must look like beyond its modality (image size, series length, channels), as
-- a JSON object of integers; text backbones have none.
alter table backbones add column input_shape text not null default '{}';
